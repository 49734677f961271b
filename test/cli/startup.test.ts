/** How `cnam` starts: each command loads only what it needs, and a closed pipe ends it quietly. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';

const CNAM = resolve(__dirname, '..', '..', 'bin', 'cnam.js');
const dir = mkdtempSync(join(tmpdir(), 'cnam-startup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Preloaded with `node -r`: at exit, writes every CommonJS module the process loaded to $CNAM_MODULES_OUT.
const PRELOAD = join(dir, 'list-modules.js');
writeFileSync(
  PRELOAD,
  "process.on('exit', () => require('node:fs').writeFileSync(process.env.CNAM_MODULES_OUT, Object.keys(require.cache).join('\\n')));\n",
);

/** Packages that must load only when the command that needs them runs. */
const HEAVY = ['@temporalio/worker', 'twilio', 'hono', '@hono/node-server'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cnam args`. `closedStdout` plays `| head -1` at its worst: the reader has gone before cnam writes
 * (reading a line first would leave it to timing whether any write comes after the close).
 */
function run(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; preload?: boolean; closedStdout?: boolean } = {},
): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...(options.preload ? ['-r', PRELOAD] : []), CNAM, ...args], {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    if (options.closedStdout) child.stdout.destroy();
    else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The packages (by node_modules folder) a command loaded. */
async function loadedPackages(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ run: Run; packages: Set<string> }> {
  const out = join(dir, `modules-${args[0]}.txt`);
  const result = await run(args, { env: { ...env, CNAM_MODULES_OUT: out }, preload: true });
  const packages = new Set<string>();
  for (const id of readFileSync(out, 'utf8').split('\n')) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id);
    if (match) packages.add(match[1]!.replace('\\', '/'));
  }
  return { run: result, packages };
}

describe('cnam start-up', () => {
  test('--help and validate-name load neither the worker, nor Twilio, nor Hono', async () => {
    for (const args of [['--help'], ['validate-name', 'Pacific Dental']]) {
      const { run: result, packages } = await loadedPackages(args);
      assert.equal(result.code, 0, result.stderr);
      assert.ok(packages.has('commander'), `the module list is read (commander loaded for ${args[0]})`);
      assert.deepEqual(
        HEAVY.filter((p) => packages.has(p)),
        [],
        `cnam ${args.join(' ')} loaded them`,
      );
    }
  });

  test('the module list does see a heavy package when a command loads it', async () => {
    // `cnam serve` without CNAM_API_TOKEN loads the API (Hono), then refuses with exit 2.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'CNAM_API_TOKEN'));
    const { run: result, packages } = await loadedPackages(['serve'], env);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /CNAM_API_TOKEN/);
    assert.ok(packages.has('hono'));
  });

  test('output piped into a reader that has gone ends quietly, with the exit code so far', async () => {
    for (const args of [['--help'], ['provision', 'twilio', '--help'], ['validate-name', '2065551234']]) {
      const result = await run(args, { closedStdout: true });
      assert.equal(result.stderr, '', `cnam ${args.join(' ')} wrote to stderr`);
      assert.equal(result.code, args[0] === 'validate-name' ? 1 : 0, `exit code of cnam ${args.join(' ')}`);
    }
  });
});
