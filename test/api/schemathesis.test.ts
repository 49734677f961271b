/**
 * A bounded schemathesis pass (scripts/schemathesis.sh) against the API on a real socket, with a
 * real dev server, worker and sandboxes behind it: no 5xx, and every status, content type, header
 * and body as /openapi.json says. Starts it generates fail at once (numbers and the Business
 * Profile are not on the sandbox accounts), so they cost the worker little.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../helpers/cli';
import { serveApi, startStack, TOKEN, type Stack } from './stack';

const ROOT = resolve(__dirname, '..', '..');
// Fixed, so a failure here reproduces; `SCHEMATHESIS_SEED=… npm test` or scripts/schemathesis.sh explore further.
const SEED = process.env.SCHEMATHESIS_SEED ?? '1';

let stack: Stack;
let served: Awaited<ReturnType<typeof serveApi>>;
let workDir: string;

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }) {
  return new Promise<{ code: number; output: string }>((done) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? ROOT,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        done({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

before(async () => {
  // `npm test` installs it in pretest; this covers running the file alone (a no-op once installed).
  const install = await run('bash', [join(ROOT, 'scripts', 'install-schemathesis.sh')], { timeoutMs: 300_000 });
  assert.equal(install.code, 0, install.output);
  stack = await startStack({ autoReview: false });
  const port = await freePort();
  served = await serveApi(
    stack,
    {
      webhook: {
        authToken: stack.sandboxes.twilio.authToken,
        publicUrl: `http://127.0.0.1:${port}/webhooks/twilio/trust-products`,
      },
    },
    port,
  );
  // Its example database and crash cache stay out of the work tree and out of the next run.
  workDir = await mkdtemp(join(tmpdir(), 'cnam-schemathesis-'));
});
after(async () => {
  await served?.server.close();
  await stack?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

test('schemathesis finds no 5xx and no response that differs from /openapi.json', { timeout: 150_000 }, async () => {
  const { code, output } = await run(
    'bash',
    [join(ROOT, 'scripts', 'schemathesis.sh'), '--max-examples', '10', '--seed', SEED],
    {
      cwd: workDir,
      env: { CNAM_API_URL: served.server.url, CNAM_API_TOKEN: TOKEN },
      timeoutMs: 140_000,
    },
  );
  assert.equal(code, 0, `schemathesis failed:\n${output}`);
  assert.match(output, /Test Phases:/, output);
  assert.ok(!served.logs.some((l) => Number(l.status) >= 500), 'no 5xx in the request log');
});
