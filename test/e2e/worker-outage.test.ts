/**
 * `cnam worker` while the Temporal server is gone: it keeps running and logs JSON lines only, the
 * native core's retries included (left alone, the core prints its own coloured text).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { startDevServer } from '../../dev/temporal/dev-server';
import { devServerSearchAttributeFlags } from '../../src/temporal/search-attributes';
import { freePort } from '../helpers/cli';
import { eventually } from '../helpers/temporal';

const CNAM = resolve(__dirname, '..', '..', 'bin', 'cnam.js');

test("during a server outage the worker logs JSON lines, the core's retries among them", {
  timeout: 180_000,
}, async () => {
  const server = await startDevServer({
    port: await freePort(),
    uiPort: null,
    searchAttributes: devServerSearchAttributeFlags(),
    readyTimeoutMs: 90_000,
  });
  const worker = spawn(process.execPath, [CNAM, 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      CNAM_TASK_QUEUE: 'outage',
      FLOWROUTE_ACCESS_KEY: 'key',
      FLOWROUTE_SECRET_KEY: 'secret',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  worker.stdout.on('data', collect);
  worker.stderr.on('data', collect);
  try {
    await eventually(
      async () => (output.includes('"worker started"') ? true : undefined),
      'the worker started',
      90_000,
    );
    await server.stop();
    const lines = () => output.split('\n').filter((l) => l.trim() !== '');
    const parsed = () =>
      lines().map((l) => {
        try {
          return JSON.parse(l) as { sdkComponent?: string; level?: number };
        } catch {
          return null;
        }
      });
    await eventually(
      async () => (parsed().some((p) => p?.sdkComponent === 'core') ? true : undefined),
      'a core log line about the outage',
      60_000,
    );
    assert.deepEqual(
      lines().filter((_, i) => parsed()[i] === null),
      [],
      'every line is JSON',
    );
    assert.equal(worker.exitCode, null, 'the worker keeps running through the outage');
  } finally {
    worker.kill('SIGKILL');
    await server.stop();
  }
});
