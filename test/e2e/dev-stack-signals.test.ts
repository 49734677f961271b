/**
 * `npm run dev` stops its Temporal dev server when SIGTERM or SIGINT is sent to the npm process itself
 * (a process manager, `kill`), not only on Ctrl-C, which the terminal sends to every process at once.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { freePort } from '../helpers/cli';

const ROOT = join(__dirname, '..', '..');

/** Pids of dev servers started on `port` (its command line names the port). */
function devServersOn(port: number): number[] {
  try {
    return execFileSync('pgrep', ['-f', `start-dev.*--port ${port}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

async function runDevUntil(
  signal: NodeJS.Signals,
  when: RegExp,
): Promise<{ port: number; code: number | null; output: string; sawServer: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'cnam-dev-signal-'));
  const [port, uiPort, flowroutePort, twilioPort, apiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const child = spawn(
    'npm',
    [
      'run',
      'dev',
      '--',
      ...['--temporal-port', String(port), '--ui-port', String(uiPort), '--db', join(dir, 'temporal.db')],
      ...[
        '--flowroute-port',
        String(flowroutePort),
        '--twilio-port',
        String(twilioPort),
        '--api-port',
        String(apiPort),
      ],
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let sawServer = false;
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${when} within 120 s:\n${output}`)), 120_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (when.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
    });
    // The dev server is spawned right after the line that announces it: wait until it exists.
    for (let i = 0; i < 100 && devServersOn(port).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    sawServer = devServersOn(port).length > 0;
    child.kill(signal); // to npm's own pid only: no process group, no terminal
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000))]);
    assert.notEqual(code, 'hung', `npm run dev did not exit after ${signal}:\n${output}`);
    // The dev server gets SIGTERM as its parent stops; give it a moment to go.
    for (let i = 0; i < 100 && devServersOn(port).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    return { port, code: code as number | null, output, sawServer };
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const pid of devServersOn(port)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('npm run dev and signals sent to its process', () => {
  test('SIGTERM once everything runs stops it in order, the Temporal dev server included', async () => {
    const run = await runDevUntil('SIGTERM', /Ctrl-C to stop everything/);
    assert.ok(run.sawServer, 'the dev server was running');
    assert.match(run.output, /Stopping \.\.\./);
    assert.deepEqual(devServersOn(run.port), [], 'no dev server left running');
  });

  test('SIGINT while it is still starting stops the dev server it started too', async () => {
    const run = await runDevUntil('SIGINT', /Starting Temporal dev server/);
    assert.deepEqual(devServersOn(run.port), [], 'no dev server left running');
    assert.notEqual(run.code, 0, 'an interrupted start does not report success');
  });
});
