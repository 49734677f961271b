/** CLI behaviour that needs no Temporal server: help, name checks, input errors, exit codes. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCnam } from '../helpers/cli';

// Nothing listens here, so any command that tried to reach Temporal would fail with exit code 2.
const NO_TEMPORAL = { TEMPORAL_ADDRESS: '127.0.0.1:1' };

describe('cnam (offline)', () => {
  test('--help lists every command and exits 0', async () => {
    const run = await runCnam(['--help']);
    assert.equal(run.code, 0);
    for (const command of [
      'provision',
      'status',
      'check-now',
      'validate-name',
      'serve',
      'worker',
      'setup',
      'codec-server',
    ])
      assert.match(run.stdout, new RegExp(command));
  });

  test('validate-name exits 0 for a valid name and says which providers accept it', async () => {
    const run = await runCnam(['validate-name', 'Pacific Dental', '--json']);
    assert.equal(run.code, 0);
    assert.deepEqual(JSON.parse(run.stdout).validFor, ['flowroute', 'twilio']);
  });

  test('validate-name exits 1 naming the broken rule, per provider', async () => {
    const flowroute = await runCnam(['validate-name', 'Bob & Sons', '--provider', 'flowroute']);
    assert.equal(flowroute.code, 0, '& is allowed at Flowroute');
    const twilio = await runCnam(['validate-name', 'Bob & Sons', '--provider', 'twilio']);
    assert.equal(twilio.code, 1);
    assert.match(twilio.stdout, /twilio \[allowed-characters\]/);
    const both = await runCnam(['validate-name', '2065551234', '--json']);
    assert.equal(both.code, 1);
    const rules = JSON.parse(both.stdout).results.map((r: { provider: string; violations: { rule: string }[] }) => [
      r.provider,
      r.violations.map((v) => v.rule),
    ]);
    assert.deepEqual(rules, [
      ['flowroute', ['needs-letter', 'not-phone-number']],
      ['twilio', ['starts-with-letter', 'not-phone-number']],
    ]);
  });

  test('provision refuses a bad name and number before contacting Temporal, exit 1', async () => {
    const run = await runCnam(
      ['provision', 'flowroute', '--number', '+18005550100', '--name', 'Seattle Police', '--json'],
      NO_TEMPORAL,
    );
    assert.equal(run.code, 1);
    const body = JSON.parse(run.stdout);
    assert.equal(body.error, 'invalid-request');
    const rules = body.problems.map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`);
    assert.deepEqual(rules.sort(), ['displayName:not-misleading', 'number:not-toll-free']);
  });

  test('a missing option is a usage error, exit 2', async () => {
    const run = await runCnam(['provision', 'flowroute', '--number', '+12065550100']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--name/);
  });

  test('an unreachable Temporal is exit 2 with what to do', async () => {
    const run = await runCnam(['status', 'cnam-flowroute-12065550100'], NO_TEMPORAL);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /npm run dev/);
  });

  test('worker and serve: an unreachable Temporal is exit 2 with a plain sentence, not a transport dump', async () => {
    const worker = await runCnam(['worker'], {
      ...NO_TEMPORAL,
      FLOWROUTE_ACCESS_KEY: 'key',
      FLOWROUTE_SECRET_KEY: 'secret',
    });
    const serve = await runCnam(['serve'], { ...NO_TEMPORAL, CNAM_API_TOKEN: 'a-token-of-twenty-chars' });
    for (const [name, run] of [
      ['worker', worker],
      ['serve', serve],
    ] as const) {
      assert.equal(run.code, 2, `${name}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /^Cannot reach Temporal at 127\.0\.0\.1:\d+ \((connection refused|no answer in time)\)\.\nStart the embedded default with `npm run dev`/,
        name,
      );
      assert.doesNotMatch(run.stderr, /tonic|transport::Error|at .*\.js:\d+/, name);
    }
  });

  test('worker without provider credentials: exit 2 naming the variables, without hanging', async () => {
    const run = await runCnam(['worker'], NO_TEMPORAL, 30_000);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^No provider credentials: set FLOWROUTE_ACCESS_KEY\/FLOWROUTE_SECRET_KEY/);
  });

  test('durations out of bounds are refused before anything starts', async () => {
    const huge = await runCnam(
      ['provision', 'flowroute', '--number', '+12065550100', '--name', 'Bob Law', '--association-wait', '999999999d'],
      NO_TEMPORAL,
    );
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /"999999999d" is not a duration between 1s and 30d/);
    const days = await runCnam(
      ['provision', 'flowroute', '--number', '+12065550100', '--name', 'Bob Law', '--business-days', '100000'],
      NO_TEMPORAL,
    );
    assert.equal(days.code, 2);
    assert.match(days.stderr, /not a whole number of days from 1 to 30/);
    const poll = await runCnam(
      [
        'provision',
        'twilio',
        '--number',
        '+12065550100',
        '--business-profile',
        `BU${'0'.repeat(32)}`,
        '--name',
        'ACME',
        '--email',
        'a@b.co',
        '--poll-initial',
        '0s',
      ],
      NO_TEMPORAL,
    );
    assert.equal(poll.code, 2);
    assert.match(poll.stderr, /"0s" is not a duration between 1s and 7d/);
  });
});
