import { test } from 'node:test';
import assert from 'node:assert/strict';
import { temporalCliPath, temporalTestServerPath } from '../../dev/temporal/binaries';

test('an override that is not an executable is refused by name', () => {
  assert.throws(
    () => temporalCliPath({ TEMPORAL_CLI_PATH: '/nonexistent/temporal' }),
    /TEMPORAL_CLI_PATH=\/nonexistent\/temporal is not an executable/,
  );
  assert.throws(
    () => temporalTestServerPath({ TEMPORAL_TEST_SERVER_PATH: '/nonexistent/x' }),
    /TEMPORAL_TEST_SERVER_PATH/,
  );
});

test('an executable override is used as is', () => {
  assert.equal(temporalCliPath({ TEMPORAL_CLI_PATH: process.execPath }), process.execPath);
});
