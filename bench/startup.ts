/**
 * CLI start-up: how long `cnam` takes to answer, against `node -e 0` on the same machine.
 * `status` asks a real Temporal dev server about a workflow that does not exist (one round trip,
 * exit 1): with nothing listening the figure would be the client's connect timeout, not start-up.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startDevServer } from '../dev/temporal/dev-server';
import { freePort } from '../test/helpers/cli';

const ROOT = resolve(__dirname, '..');
const CNAM = join(ROOT, 'bin', 'cnam.js');

export interface StartupOptions {
  runs: number;
  log: (line: string) => void;
}

export interface StartupReport {
  runs: number;
  nodeBaselineMs: number;
  helpMs: number;
  validateNameMs: number;
  statusMs: number;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** bin/cnam.js runs src/ through tsx when dist/ is missing or older: build first, so the figures are the shipped code's. */
function ensureBuild(log: (line: string) => void): void {
  let builtAt = 0;
  try {
    builtAt = statSync(join(ROOT, 'dist', 'cli', 'main.js')).mtimeMs;
  } catch {
    // no build yet
  }
  if (builtAt > newestMtime(join(ROOT, 'src'))) return;
  log('dist/ is missing or older than src/: running `npm run build`');
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time of `node args`, after one unmeasured warm-up run; checks the exit code each time. */
function timeRuns(
  label: string,
  args: string[],
  expectedCode: number,
  env: NodeJS.ProcessEnv,
  options: StartupOptions,
): number {
  const times: number[] = [];
  for (let i = 0; i <= options.runs; i++) {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== expectedCode)
      throw new Error(`${label}: exit ${run.status}, expected ${expectedCode}\n${run.stderr}`);
    if (i > 0) times.push(ms);
  }
  const result = Math.round(median(times));
  options.log(
    `${label}: median ${result} ms over ${options.runs} runs (min ${Math.round(Math.min(...times))}, max ${Math.round(Math.max(...times))})`,
  );
  return result;
}

export async function runStartup(options: StartupOptions): Promise<StartupReport> {
  ensureBuild(options.log);
  const server = await startDevServer({ port: await freePort(), uiPort: null });
  try {
    const env = { ...process.env, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' };
    return {
      runs: options.runs,
      nodeBaselineMs: timeRuns('node -e 0', ['-e', '0'], 0, env, options),
      helpMs: timeRuns('cnam --help', [CNAM, '--help'], 0, env, options),
      validateNameMs: timeRuns(
        'cnam validate-name "Pacific Dental"',
        [CNAM, 'validate-name', 'Pacific Dental'],
        0,
        env,
        options,
      ),
      // Exit 1: the dev server answered that no such workflow exists.
      statusMs: timeRuns(
        'cnam status cnam-flowroute-12065550100',
        [CNAM, 'status', 'cnam-flowroute-12065550100'],
        1,
        env,
        options,
      ),
    };
  } finally {
    await server.stop();
  }
}
