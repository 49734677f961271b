/**
 * `npm run bench -- waiting`: what numbers waiting for approval cost the worker (issue 9, part 3).
 * On a real dev server, against a Flowroute sandbox that leaves every record pending: N single-number
 * provisionings with N distinct names (the worst case, one waiting workflow per number), started as
 * `cnam provision` starts them, with a worker in its own process as operators run it (the compiled
 * build with its prebuilt workflow bundle, made afresh in a folder of its own, and
 * CNAM_MAX_CACHED_WORKFLOWS). Reports the worker's RSS at start
 * and with every number waiting, and how fast a status query answers while they wait (most of them
 * out of the cache: answered by replaying the history).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { type RunningFlowrouteSandbox, startFlowrouteSandbox } from '../dev/sandbox/flowroute';
import { type RunningDevServer, startDevServer } from '../dev/temporal/dev-server';
import { InvalidRequestError } from '../src/app/errors';
import type { ProvisionStart } from '../src/app/schemas';
import { prepareProvision, startProvision } from '../src/app/start';
import { normalizeUsLongCode } from '../src/core/phone';
import { getStatus } from '../src/core/workflow/messages';
import { devServerSearchAttributeFlags } from '../src/temporal/search-attributes';
import { freePort } from '../test/helpers/cli';
import { workflowBundle } from '../test/helpers/temporal';

const ROOT = resolve(__dirname, '..');

export interface WaitingBenchOptions {
  /** Provisionings started, each its own number and name. */
  numbers: number;
  /** The worker's CNAM_MAX_CACHED_WORKFLOWS. */
  maxCachedWorkflows: number;
  /** Status queries timed once every number waits. */
  queries: number;
  /** Approval check interval the provisionings are started with (the default schedule reaches 1h after its first checks). */
  pollInterval: string;
  /**
   * Idle time before RSS is read, at start and with every number waiting. V8 gives memory back on its
   * own once idle for a while: after 120 s the idle RSS matched the one after a forced GC, after 30 s
   * it was still 70 MB above it.
   */
  settleSeconds: number;
  /** Starts in flight at once. */
  startConcurrency: number;
  /** 'compiled': the build (`tsc` + the prebuilt workflow bundle), as deployed; 'source': src/ through tsx, bundling at start. */
  worker: 'compiled' | 'source';
  /** Give up when not every number waits after this long. */
  deadlineMinutes: number;
  log: (line: string) => void;
}

export interface WaitingBenchFigures {
  numbers: number;
  maxCachedWorkflows: number;
  worker: 'compiled' | 'source';
  workerRssBaselineMb: number;
  workerRssMb: number;
  workerRssMbPer1000Waiting: number;
  /** RSS growth over the baseline per 1000 waiting, for comparison (the issue's figure is the total). */
  workerRssGrowthMbPer1000Waiting: number;
  /** The same two RSS before the forced GC: what the worker holds idle when V8 is left alone. */
  workerRssBaselineBeforeGcMb: number;
  workerRssBeforeGcMb: number;
  /** JS heap in use over all the worker's threads (main and workflow) after the forced GC, with every number waiting. */
  workerHeapUsedMb: number;
  /** The worker's peak RSS (VmHWM) up to the moment every number waits. */
  workerRssPeakMb: number;
  /** RSS (after a forced GC) once the status queries are answered (they bring uncached workflows back for a moment). */
  workerRssAfterQueriesMb: number;
  secondsToAllWaiting: number;
  statusQueryMsP50: number;
  statusQueryMsP95: number;
  statusQueryMsMax: number;
  statusQueries: number;
  statusQueryErrors: number;
  failedProvisionings: number;
  pollInterval: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `count` distinct valid US local numbers (E.164) from exchange `exchange` on, none of the emulators' defaults. */
function usNumbers(count: number, exchange: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const check = normalizeUsLongCode(`+1206${exchange + Math.floor(i / 10000)}${String(i % 10000).padStart(4, '0')}`);
    if (check.ok) out.push(check.e164);
  }
  return out;
}

/** Distinct names of letters only from a base-26 counter: "Acme Aaaa", "Acme Aaab", …; at most 9 characters. */
function nameOf(counter: number): string {
  let letters = '';
  for (let i = 0, c = counter; i < 4; i++, c = Math.floor(c / 26))
    letters = String.fromCharCode(97 + (c % 26)) + letters;
  return `Acme ${letters[0]!.toUpperCase()}${letters.slice(1)}`;
}

/** One start request per number, each with its own name; a generated name the rules refuse is skipped. */
function startRequests(list: string[], pollInterval: string): { starts: ProvisionStart[]; namesRefused: number } {
  const starts: ProvisionStart[] = [];
  let counter = 0;
  let namesRefused = 0;
  for (const number of list) {
    for (;;) {
      const start = {
        provider: 'flowroute',
        number,
        displayName: nameOf(counter++),
        approvalPollInitial: pollInterval,
        approvalPollMax: pollInterval,
      } as ProvisionStart;
      try {
        prepareProvision(start);
        starts.push(start);
        break;
      } catch (err) {
        if (!(err instanceof InvalidRequestError)) throw err;
        namesRefused++;
      }
    }
  }
  return { starts, namesRefused };
}

/** The process and all its descendants (e.g. tsx's esbuild service). */
function processTree(pid: number): number[] {
  const out = [pid];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.trim().split(/\s+/).filter(Boolean)) out.push(...processTree(Number(child)));
  }
  return out;
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM), summed over the process tree. */
function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      const match = readFileSync(`/proc/${p}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
      if (match) kb += Number(match[1]);
    } catch {
      // gone in between
    }
  }
  return kb / 1024;
}

/**
 * Preloaded (`--require`) into the worker and each of its threads, with `--expose-gc`: on SIGWINCH (a
 * signal nothing else in the worker handles; SIGUSR2 would shut the Temporal runtime down) every
 * thread collects its garbage, then the main thread writes each thread's heap to CNAM_BENCH_GC_REPORT.
 */
const GC_HOOK = `'use strict';
const { isMainThread, threadId, BroadcastChannel } = require('node:worker_threads');
const { getHeapStatistics } = require('node:v8');
const { writeFileSync } = require('node:fs');
const channel = new BroadcastChannel('cnam-bench-gc');
channel.unref();
const mb = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
const heap = () => {
  const h = getHeapStatistics();
  return { threadId, usedMb: mb(h.used_heap_size), totalMb: mb(h.total_heap_size), externalMb: mb(h.external_memory) };
};
if (isMainThread) {
  let replies = [];
  channel.onmessage = (e) => { if (e.data && e.data.reply) replies.push(e.data.reply); };
  process.on('SIGWINCH', () => {
    replies = [];
    channel.postMessage({ gc: true });
    global.gc();
    setTimeout(() => {
      global.gc();
      const m = process.memoryUsage();
      writeFileSync(process.env.CNAM_BENCH_GC_REPORT, JSON.stringify({
        at: Date.now(), threads: [heap(), ...replies],
        memoryUsage: { rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) },
      }));
    }, 2000);
  });
} else {
  channel.onmessage = (e) => { if (e.data && e.data.gc) { global.gc(); channel.postMessage({ reply: heap() }); } };
}
`;

interface GcReport {
  at: number;
  threads: { threadId: number; usedMb: number; totalMb: number; externalMb: number }[];
  memoryUsage: { rssMb: number; heapUsedMb: number; externalMb: number; arrayBuffersMb: number };
}

/** Every thread of the worker collects its garbage (see GC_HOOK); resolves with their heaps once done. */
async function forceGc(pid: number, reportFile: string): Promise<GcReport> {
  const asked = Date.now();
  process.kill(pid, 'SIGWINCH');
  for (let i = 0; i < 100; i++) {
    await sleep(200);
    if (!existsSync(reportFile)) continue;
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as GcReport;
    if (report.at >= asked) return report;
  }
  throw new Error('the worker did not answer the forced GC within 20 s');
}

const describeGc = (r: GcReport) =>
  `heaps after GC: ${r.threads.map((t) => `thread ${t.threadId} ${t.usedMb}/${t.totalMb} MB`).join(', ')}; external ${r.memoryUsage.externalMb} MB`;

/** Mean RSS over the last few seconds of an idle period of `seconds`. */
async function settledRss(pid: number, seconds: number): Promise<number> {
  const samples: number[] = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    samples.push(procMb(pid, 'VmRSS'));
    await sleep(1000);
  }
  samples.push(procMb(pid, 'VmRSS'));
  const last = samples.slice(-5);
  return last.reduce((a, b) => a + b, 0) / last.length;
}

/**
 * The compiled worker in a folder of its own (inside node_modules/.cache, where Node finds the
 * project's packages): `tsc -p tsconfig.build.json` and the workflow bundle beside it, as `npm run
 * build` makes dist/, without touching dist/ (others may be building it).
 */
async function buildWorker(log: (line: string) => void): Promise<string> {
  const dir = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'cnam-bench-waiting-'));
  const t0 = Date.now();
  const code = await new Promise<number | null>((done) => {
    const tsc = spawn(
      process.execPath,
      [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', dir],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    tsc.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    tsc.stderr?.on('data', (c: Buffer) => {
      out += c.toString();
    });
    tsc.once('exit', (exitCode) => {
      if (exitCode !== 0) log(`tsc exited with ${exitCode} (emitted anyway):\n${out.slice(0, 2000)}`);
      done(exitCode);
    });
  });
  if (!existsSync(join(dir, 'worker.js'))) throw new Error(`tsc (exit ${code}) wrote no worker.js to ${dir}`);
  const bundle = await workflowBundle();
  writeFileSync(join(dir, 'workflow-bundle.js'), bundle.code);
  log(`compiled worker and workflow bundle in ${dir} (${Math.round((Date.now() - t0) / 1000)} s)`);
  return dir;
}

/** The worker in its own process, started with `command`; its output goes to `logFile`. */
class WorkerProcess {
  child: ChildProcess | null = null;

  constructor(
    private readonly command: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  get pid(): number {
    if (!this.child?.pid) throw new Error('worker not running');
    return this.child.pid;
  }

  async start(): Promise<void> {
    const [cmd, ...args] = this.command;
    const child = spawn(cmd!, args, { cwd: ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await new Promise<void>((done, fail) => {
      let seen = '';
      const onData = (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-2000);
        if (seen.includes('"worker started"')) {
          child.stdout?.off('data', onData);
          done();
        }
      };
      child.stdout?.on('data', onData);
      child.once('exit', (code, signal) =>
        fail(new Error(`worker exited (${code ?? signal}) before it started; see ${this.logFile}`)),
      );
    });
    child.once('exit', (code, signal) => {
      if (this.child === child) console.error(`[waiting] worker exited (${code ?? signal}); see ${this.logFile}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Runs `task` over `items`, `concurrency` at a time. */
async function pool<T>(
  items: T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i]!, i);
      }
    }),
  );
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const round1 = (x: number) => Math.round(x * 10) / 10;

/** Record reads (`GET /v2/cnams/:id`) the sandbox answered: each waiting provisioning's approval checks. */
function recordReads(sandbox: RunningFlowrouteSandbox): number {
  return Object.entries(sandbox.state.requestCounts())
    .filter(([key]) => /^GET \/v2\/cnams\/[^/]+$/.test(key))
    .reduce((a, [, v]) => a + v, 0);
}

export async function runWaitingBench(options: WaitingBenchOptions): Promise<WaitingBenchFigures> {
  const { log } = options;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'cnam-waiting-'));
  const list = usNumbers(options.numbers, 601);
  const { starts, namesRefused } = startRequests(list, options.pollInterval);
  log(
    `${starts.length} provisionings planned, each its own name ("${nameOf(0)}" … ); ${namesRefused} generated names refused by the rules and skipped`,
  );

  let server: RunningDevServer | null = null;
  let sandbox: RunningFlowrouteSandbox | null = null;
  let connection: Connection | null = null;
  let worker: WorkerProcess | null = null;
  let built: string | null = null;
  let keepDir = true;
  try {
    const compiled = options.worker === 'compiled' ? await buildWorker(log) : null;
    built = compiled;
    const port = await freePort();
    [server, sandbox] = await Promise.all([
      startDevServer({
        port,
        uiPort: null,
        searchAttributes: devServerSearchAttributeFlags(),
        readyTimeoutMs: 120_000,
      }),
      // Review left to us: every record stays pending, so every provisioning waits for approval.
      startFlowrouteSandbox({ numbers: list.map((e) => e.slice(1)), autoReview: false }),
    ]);
    log(
      `dev server ${server.address} (in-memory SQLite), Flowroute sandbox ${sandbox.url} with ${list.length} numbers`,
    );

    const gcHook = join(dir, 'gc-hook.js');
    const gcReport = join(dir, 'gc-report.json');
    /** RSS after idling, then after every thread collected its garbage. */
    const measure = async (pid: number, what: string, seconds: number) => {
      const beforeGc = await settledRss(pid, seconds);
      const gc = await forceGc(pid, gcReport);
      const afterGc = await settledRss(pid, 5);
      log(`${what}: RSS ${round1(beforeGc)} MB idle, ${round1(afterGc)} MB after a forced GC; ${describeGc(gc)}`);
      return { beforeGc, afterGc, heapUsedMb: gc.threads.reduce((a, t) => a + t.usedMb, 0) };
    };
    const taskQueue = `bench-waiting-${process.pid}-${Date.now()}`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const key of Object.keys(env)) if (key.startsWith('TWILIO_') || key.startsWith('TEMPORAL_')) delete env[key];
    Object.assign(env, {
      TEMPORAL_ADDRESS: server.address,
      CNAM_TASK_QUEUE: taskQueue,
      FLOWROUTE_BASE_URL: sandbox.url,
      FLOWROUTE_ACCESS_KEY: 'sandbox-access-key',
      FLOWROUTE_SECRET_KEY: 'sandbox-secret-key',
      CNAM_MAX_CACHED_WORKFLOWS: String(options.maxCachedWorkflows),
      LOG_LEVEL: 'info',
      CNAM_BENCH_GC_REPORT: gcReport,
    });
    writeFileSync(gcHook, GC_HOOK);
    const node = [process.execPath, '--expose-gc', '--require', gcHook];
    const command = compiled
      ? [...node, join(compiled, 'worker.js')]
      : [...node, '--import', 'tsx', join(ROOT, 'src', 'worker.ts')];
    const logFile = join(dir, 'worker.log');
    worker = new WorkerProcess(command, env, logFile);
    const workerStartAt = Date.now();
    await worker.start();
    log(
      `worker (${options.worker}) pid ${worker.pid} started in ${round1((Date.now() - workerStartAt) / 1000)} s, CNAM_MAX_CACHED_WORKFLOWS=${options.maxCachedWorkflows}, log ${logFile}`,
    );
    const baseline = await measure(worker.pid, '0 waiting (baseline)', options.settleSeconds);

    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const t0 = Date.now();
    let startedCount = 0;
    const ids: string[] = [];
    const starting = pool(starts, options.startConcurrency, async (start, i) => {
      const { workflowId } = await startProvision(client, taskQueue, start);
      ids[i] = workflowId;
      startedCount++;
    });
    let startError: unknown = null;
    let startsDone = false;
    starting.then(
      () => {
        startsDone = true;
        log(`all ${starts.length} provisionings started in ${round1((Date.now() - t0) / 1000)} s`);
      },
      (err: unknown) => {
        startError = err;
      },
    );

    const onQueue = `TaskQueue = '${taskQueue}'`;
    const deadline = t0 + options.deadlineMinutes * 60_000;
    let allWaitingAt: number | null = null;
    let failed = 0;
    for (;;) {
      await sleep(5_000);
      if (startError) throw startError;
      const [waiting, closed] = await Promise.all([
        client.workflow.count(`${onQueue} AND CnamStep = 'awaiting-approval' AND ExecutionStatus = 'Running'`),
        client.workflow.count(`${onQueue} AND ExecutionStatus != 'Running'`),
      ]);
      failed = closed.count;
      const reads = recordReads(sandbox);
      const seconds = (Date.now() - t0) / 1000;
      log(
        `${round1(seconds)} s: ${startedCount} started, ${waiting.count} awaiting approval (${reads} approval checks done), ${closed.count} closed; worker RSS ${round1(procMb(worker.pid, 'VmRSS'))} MB`,
      );
      // Waiting: the step entered (visibility) and its first check answered "pending" (the sandbox).
      if (startsDone && waiting.count + closed.count >= starts.length && reads >= waiting.count) {
        allWaitingAt = Date.now();
        break;
      }
      if (Date.now() > deadline)
        throw new Error(
          `not every provisioning waits after ${options.deadlineMinutes} min: ${waiting.count} of ${starts.length}`,
        );
    }
    const secondsToAllWaiting = round1((allWaitingAt - t0) / 1000);
    if (failed > 0) log(`${failed} provisionings closed instead of waiting; see the dev server or ${logFile}`);
    log(`every provisioning waits for approval after ${secondsToAllWaiting} s; letting the worker idle`);

    const waitingRss = await measure(worker.pid, `${starts.length} waiting`, options.settleSeconds);
    const peak = procMb(worker.pid, 'VmHWM');
    log(`peak RSS so far ${round1(peak)} MB`);

    // Status queries on random waiting numbers, one at a time: most are out of the cache and replay.
    const sample = [...ids];
    for (let i = sample.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [sample[i], sample[j]] = [sample[j]!, sample[i]!];
    }
    sample.length = Math.min(sample.length, options.queries);
    const times: number[] = [];
    let queryErrors = 0;
    for (const id of sample) {
      const q0 = performance.now();
      try {
        const status = await client.workflow.getHandle(id).query(getStatus);
        times.push(performance.now() - q0);
        if (status.step !== 'awaiting-approval') log(`${id} is at step ${status.step}, not awaiting-approval`);
      } catch (err) {
        queryErrors++;
        log(`status query on ${id} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    times.sort((a, b) => a - b);
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    log(
      `${times.length} status queries with ${starts.length} waiting: p50 ${round1(p50)} ms, p95 ${round1(p95)} ms, max ${round1(times[times.length - 1] ?? 0)} ms`,
    );
    const afterQueries = await measure(worker.pid, 'after the status queries', 5);

    const n = starts.length;
    keepDir = false;
    log(`done in ${Math.round((Date.now() - started) / 1000)} s`);
    return {
      numbers: n,
      maxCachedWorkflows: options.maxCachedWorkflows,
      worker: options.worker,
      workerRssBaselineMb: round1(baseline.afterGc),
      workerRssMb: round1(waitingRss.afterGc),
      workerRssMbPer1000Waiting: round1(waitingRss.afterGc / (n / 1000)),
      workerRssGrowthMbPer1000Waiting: round1((waitingRss.afterGc - baseline.afterGc) / (n / 1000)),
      workerRssBaselineBeforeGcMb: round1(baseline.beforeGc),
      workerRssBeforeGcMb: round1(waitingRss.beforeGc),
      workerHeapUsedMb: round1(waitingRss.heapUsedMb),
      workerRssPeakMb: round1(peak),
      workerRssAfterQueriesMb: round1(afterQueries.afterGc),
      secondsToAllWaiting,
      statusQueryMsP50: round1(p50),
      statusQueryMsP95: round1(p95),
      statusQueryMsMax: round1(times[times.length - 1] ?? 0),
      statusQueries: times.length,
      statusQueryErrors: queryErrors,
      failedProvisionings: failed,
      pollInterval: options.pollInterval,
    };
  } finally {
    await worker?.stop();
    await connection?.close();
    await server?.stop();
    await sandbox?.close();
    if (built) rmSync(built, { recursive: true, force: true });
    if (keepDir) log(`kept ${dir} (the worker's log) for a look`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
