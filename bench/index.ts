/**
 * `npm run bench -- <name> [--option value]`: each benchmark prints its figures as it goes and,
 * as its last line, one JSON object with the figures its issue names.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './chaos';
import { runFleetBench, runRateBench } from './fleet';
import { runStartup } from './startup';
import { runWaitingBench } from './waiting';

const BENCHMARKS: Record<string, (args: string[]) => Promise<object>> = {
  /** CLI start-up (`cnam --help`, `validate-name`, `status`) against `node -e 0`, medians of --runs runs. */
  async startup(args) {
    const { values } = parseArgs({ args, options: { runs: { type: 'string', default: '15' } } });
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 10)
      throw new Error('--runs must be a whole number, at least 10 (the figures are medians)');
    return runStartup({ runs, log: (line) => console.log(`[startup] ${line}`) });
  },
  /**
   * What a fleet costs at the providers: calls per number, records and Trust Products created (time
   * skipping); the rate limit's use (dev server); the worker's memory with --waiting-numbers waiting.
   */
  async fleet(args) {
    const { values } = parseArgs({
      args,
      options: {
        numbers: { type: 'string', default: '1000' },
        'rate-numbers': { type: 'string', default: '200' },
        'requests-per-second': { type: 'string', default: '20' },
        'waiting-numbers': { type: 'string', default: '10000' },
      },
    });
    const numbers = Number(values.numbers);
    const waitingNumbers = Number(values['waiting-numbers']);
    if (!Number.isInteger(waitingNumbers) || waitingNumbers < 0)
      throw new Error('--waiting-numbers must be a whole number (0 leaves the worker-memory part out)');
    const rateNumbers = Number(values['rate-numbers']);
    const requestsPerSecond = Number(values['requests-per-second']);
    if (!Number.isInteger(numbers) || numbers < 1) throw new Error('--numbers must be a whole number, at least 1');
    if (!Number.isInteger(rateNumbers) || rateNumbers < 10)
      throw new Error('--rate-numbers must be a whole number, at least 10');
    if (!(requestsPerSecond > 0)) throw new Error('--requests-per-second must be above 0');
    const log = (line: string) => console.log(`[fleet] ${line}`);
    const costs = await runFleetBench({ numbers, log });
    const rate = await runRateBench({ numbers: rateNumbers, requestsPerSecond, log });
    if (waitingNumbers === 0) return { ...costs, ...rate };
    // The worker's memory with that many numbers waiting (dev server; 15-25 minutes for 10,000): as `bench -- waiting`.
    const { loadWorkerEnv } = await import('../src/config/env');
    const waiting = await runWaitingBench({
      numbers: waitingNumbers,
      maxCachedWorkflows: loadWorkerEnv().CNAM_MAX_CACHED_WORKFLOWS,
      queries: 50,
      pollInterval: '1h',
      settleSeconds: 120,
      startConcurrency: 20,
      worker: 'compiled',
      deadlineMinutes: 60,
      log: (line) => console.log(`[waiting] ${line}`),
    });
    return {
      ...costs,
      ...rate,
      waitingNumbers,
      workerRssMbPer1000Waiting: waiting.workerRssMbPer1000Waiting,
      statusQueryMsP95: waiting.statusQueryMsP95,
    };
  },
  /** Worker RSS with --numbers provisionings waiting for approval (each its own name) and status-query latency (dev server). */
  async waiting(args) {
    const { values } = parseArgs({
      args,
      options: {
        numbers: { type: 'string', default: '10000' },
        cache: { type: 'string' },
        queries: { type: 'string', default: '50' },
        'poll-interval': { type: 'string', default: '1h' },
        'settle-seconds': { type: 'string', default: '120' },
        'start-concurrency': { type: 'string', default: '20' },
        worker: { type: 'string', default: 'compiled' },
        'deadline-minutes': { type: 'string', default: '60' },
      },
    });
    const { loadWorkerEnv } = await import('../src/config/env');
    const numbers = Number(values.numbers);
    const maxCachedWorkflows =
      values.cache === undefined ? loadWorkerEnv().CNAM_MAX_CACHED_WORKFLOWS : Number(values.cache);
    const queries = Number(values.queries);
    const settleSeconds = Number(values['settle-seconds']);
    const startConcurrency = Number(values['start-concurrency']);
    const deadlineMinutes = Number(values['deadline-minutes']);
    if (!Number.isInteger(numbers) || numbers < 1) throw new Error('--numbers must be a whole number, at least 1');
    if (!Number.isInteger(maxCachedWorkflows) || maxCachedWorkflows < 0)
      throw new Error('--cache must be a whole number, at least 0');
    if (!Number.isInteger(queries) || queries < 1) throw new Error('--queries must be a whole number, at least 1');
    if (!(settleSeconds >= 5)) throw new Error('--settle-seconds must be at least 5');
    if (!Number.isInteger(startConcurrency) || startConcurrency < 1)
      throw new Error('--start-concurrency must be a whole number, at least 1');
    if (!(deadlineMinutes > 0)) throw new Error('--deadline-minutes must be above 0');
    if (values.worker !== 'compiled' && values.worker !== 'source')
      throw new Error('--worker must be compiled (the build, as deployed) or source (src/ through tsx)');
    return runWaitingBench({
      numbers,
      maxCachedWorkflows,
      queries,
      pollInterval: values['poll-interval'],
      settleSeconds,
      startConcurrency,
      worker: values.worker,
      deadlineMinutes,
      log: (line) => console.log(`[waiting] ${line}`),
    });
  },
  /** Provisionings under network faults, worker kills and a server restart; counts duplicates. */
  async chaos(args) {
    const { values } = parseArgs({
      args,
      options: {
        n: { type: 'string', default: '100' },
        'fault-rate': { type: 'string', default: '0.2' },
        kills: { type: 'string' },
        'deadline-minutes': { type: 'string', default: '20' },
        fleet: { type: 'boolean', default: false },
        rename: { type: 'boolean', default: false },
      },
    });
    const provisionings = Number(values.n);
    const report = await runChaos({
      provisionings,
      faultRate: Number(values['fault-rate']),
      maxWorkerKills: values.kills === undefined ? Math.max(3, Math.ceil(provisionings / 5)) : Number(values.kills),
      killEveryMs: [4_000, 12_000],
      deadlineMs: Number(values['deadline-minutes']) * 60_000,
      fleet: values.fleet,
      rename: values.rename,
      log: (line) => console.log(`[chaos] ${line}`),
    });
    for (const failure of report.failures) console.log(`[chaos] not completed: ${failure}`);
    console.log(`[chaos] duplicates by kind: ${JSON.stringify(report.duplicates)}`);
    const { failures: _failures, duplicates: _duplicates, rename, ...figures } = report;
    if (!rename) return figures;
    for (const leftover of rename.leftovers) console.log(`[chaos] left over: ${leftover}`);
    const { leftovers, ...renameFigures } = rename;
    return { ...figures, ...renameFigures, leftovers: leftovers.length };
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const bench = name ? BENCHMARKS[name] : undefined;
  if (!bench) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHMARKS).join('|')}> [options]`);
    process.exit(2);
  }
  const figures = await bench(args);
  console.log(JSON.stringify({ benchmark: name, ...figures }));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
