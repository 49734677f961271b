/**
 * The worker: builds provider clients once from validated environment variables and runs the
 * provisioning workflows and activities. Run with `npm run worker` (or `cnam worker`).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  Worker,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { type Activities, type ActivityDeps, createActivitiesByQueue } from './activities';
import { providerTaskQueue } from './core/workflow/activity-options';
import { ConfigError, loadTemporalEnv, loadWorkerEnv } from './config/env';
import { createLogger, installTemporalLogging } from './logging';
import { PROVIDERS } from './providers';
import { connectClient, connectWorker } from './temporal/connection';
import { dataConverterFromEnv } from './temporal/data-converter';
import { installWorkerMetrics } from './telemetry/metrics';
import { installTracing, shutdownTracing, workerTracingOptions } from './telemetry/tracing';
import { startWorkerHealthServer, type WorkerHealthServer, type WorkerPartState } from './worker-health';
import { missingSearchAttributes } from './temporal/search-attributes';

/** Provider clients from the environment (the worker's own, or e.g. the emulators'); a provider without credentials is null. */
export async function buildActivityDeps(env: NodeJS.ProcessEnv = process.env): Promise<ActivityDeps> {
  const { CNAM_PROVIDER_TIMEOUT_MS } = loadWorkerEnv(env);
  const deps: ActivityDeps = {};
  for (const provider of PROVIDERS) {
    deps[provider.id] = (await provider.loadRuntime()).clientFromEnv(env, { timeoutMs: CNAM_PROVIDER_TIMEOUT_MS });
  }
  return deps;
}

/**
 * The workflow bundle's entry, written from the registry: the fleet workflow and every provider's workflow, exported under
 * its workflow type (a function whose name differs from the registered type fails the bundle). Written
 * inside the project's node_modules, where the bundler finds @temporalio/workflow from it.
 */
export function writeWorkflowEntry(): string {
  const cache = join(__dirname, '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'cnam-workflows-'));
  const file = join(dir, 'workflows.ts');
  const modules = [
    ...PROVIDERS.map((p) => ({ name: p.workflowType, path: p.workflowModulePath })),
    ...PROVIDERS.flatMap((p) =>
      Object.values(p.lifecycle.workflowTypes).map((name) => ({ name, path: p.lifecycle.workflowModulePath })),
    ),
    { name: 'provisionFleet', path: require.resolve('./fleet/workflow') },
    { name: 'surveyFleet', path: require.resolve('./fleet/survey-workflow') },
    { name: 'reconcileCnams', path: require.resolve('./watch/workflow') },
  ];
  const lines = modules.map(
    ({ name, path }) => `export { ${name} } from ${JSON.stringify(path.replace(/\.(ts|js)$/, ''))};`,
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export interface CnamWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Prebuilt workflow code (tests bundle once per suite); otherwise see `workflowCode`. */
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Workflows kept in memory between tasks (CNAM_MAX_CACHED_WORKFLOWS); the SDK's default when unset. */
  maxCachedWorkflows?: number;
  /** Each provider's request rate (activities per second on its queue, across all workers); unset: no limit. */
  requestsPerSecond?: Record<string, number>;
  /** Activities each part runs at once (CNAM_MAX_CONCURRENT_ACTIVITIES); the SDK's default when unset. */
  maxConcurrentActivities?: number;
  /** Workflow tasks run at once (CNAM_MAX_CONCURRENT_WORKFLOW_TASKS); the SDK's default when unset. */
  maxConcurrentWorkflowTasks?: number;
  /** How long activities in flight may finish after a shutdown begins (CNAM_SHUTDOWN_GRACE); 0 when unset. */
  shutdownGraceMs?: number;
  /** Tests: these activities (e.g. wrapped to fail after a write) on every queue instead of those built from `deps`. */
  activities?: Activities;
}

/** Where `npm run build` writes the bundled workflow code (scripts/build-workflow-bundle.ts): beside the compiled worker. */
const PREBUILT_WORKFLOW_BUNDLE = join(__dirname, 'workflow-bundle.js');

/** The given bundle, else the build's prebuilt one, else bundle at start (running from src through tsx). */
function workflowCode(
  given: WorkflowBundleOption | undefined,
): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  if (given) return { workflowBundle: given };
  if (existsSync(PREBUILT_WORKFLOW_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
  return { workflowsPath: writeWorkflowEntry() };
}

/**
 * The worker's parts, run together: one on the workflows' task queue (workflows, core activities, and
 * every provider activity a run scheduled there before provider queues existed) and one per provider
 * on that provider's activity queue, with the provider's rate limit enforced by the server.
 */
export interface CnamWorker {
  run(): Promise<void>;
  /** Each part's task queue and state, for the health probes. */
  parts(): { taskQueue: string; state: WorkerPartState }[];
  /** Runs until `until` settles (or the function's promise does), then shuts every part down. */
  runUntil<T>(until: Promise<T> | (() => Promise<T>)): Promise<T>;
  shutdown(): void;
}

export async function createCnamWorker(options: CnamWorkerOptions): Promise<CnamWorker> {
  const byQueue = options.activities ? null : await createActivitiesByQueue(options.deps);
  const providerActivities = (id: string): Activities => options.activities ?? byQueue?.providers[id] ?? {};
  // Every part encodes payloads and traces the same way: a provider activity's input was encoded by the workflow.
  const dataConverter = dataConverterFromEnv();
  const shared = {
    ...(dataConverter && { dataConverter }),
    ...workerTracingOptions(),
    ...(options.maxConcurrentActivities !== undefined && {
      maxConcurrentActivityTaskExecutions: options.maxConcurrentActivities,
    }),
    ...(options.shutdownGraceMs !== undefined && {
      shutdownGraceTime: options.shutdownGraceMs,
      // Past the grace an activity that ignores its cancellation must not keep the process alive forever.
      shutdownForceTime: options.shutdownGraceMs + 15_000,
    }),
  };
  const code = workflowCode(options.workflowBundle);
  const main = await Worker.create({
    ...shared,
    // Bundling at start: the tracing workflow interceptors go into that bundle (a prebuilt one has them).
    ...workerTracingOptions({ bundlesWorkflows: 'workflowsPath' in code }),
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: options.activities ?? Object.assign({}, byQueue?.core, ...Object.values(byQueue?.providers ?? {})),
    ...code,
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
    ...(options.maxConcurrentWorkflowTasks !== undefined && {
      maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTasks,
    }),
  });
  const parts = [main];
  for (const provider of PROVIDERS) {
    const rate = options.requestsPerSecond?.[provider.id];
    parts.push(
      await Worker.create({
        ...shared,
        connection: options.connection,
        namespace: options.namespace,
        taskQueue: providerTaskQueue(options.taskQueue, provider.id),
        activities: providerActivities(provider.id),
        ...(rate !== undefined && { maxTaskQueueActivitiesPerSecond: rate }),
      }),
    );
  }
  const shutdown = () => {
    for (const part of parts) if (part.getState() === 'RUNNING') part.shutdown();
  };
  return {
    parts: () => parts.map((part) => ({ taskQueue: part.options.taskQueue, state: part.getState() })),
    run: async () => {
      // One part failing stops the others: a worker half running would leave activities unpolled.
      await Promise.all(
        parts.map((part) =>
          part.run().catch((err: unknown) => {
            shutdown();
            throw err;
          }),
        ),
      );
    },
    runUntil: async <T>(until: Promise<T> | (() => Promise<T>)): Promise<T> => {
      const promise = typeof until === 'function' ? until() : until;
      const settled = promise.then(
        () => undefined,
        () => undefined,
      );
      const [result] = await Promise.all([
        main.runUntil(promise),
        ...parts.slice(1).map((part) => part.runUntil(settled)),
      ]);
      return result;
    },
    shutdown,
  };
}

/** Each provider's request rate from `CNAM_<PROVIDER>_REQUESTS_PER_SECOND` (unset: no limit). */
export function requestRatesFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const provider of PROVIDERS) {
    const name = `CNAM_${provider.id.toUpperCase()}_REQUESTS_PER_SECOND`;
    const text = env[name]?.trim();
    if (!text) continue;
    const rate = Number(text);
    if (!Number.isFinite(rate) || rate <= 0 || rate > 10_000)
      throw new ConfigError(
        `Invalid worker configuration:\n  ${name}: must be a number of requests per second above 0 (at most 10000)`,
      );
    rates[provider.id] = rate;
  }
  return rates;
}

/** Upserting an unregistered attribute fails every workflow task: refuse to start instead, saying what to run. */
async function requireSearchAttributes(namespace: string): Promise<void> {
  const { connection } = await connectClient();
  try {
    const missing = await missingSearchAttributes(connection, namespace);
    if (missing.length > 0) {
      throw new ConfigError(
        `Search attributes ${missing.join(', ')} are not registered in namespace ${namespace}: run \`cnam setup\` once.`,
      );
    }
  } finally {
    await connection.close();
  }
}

export async function runWorkerFromEnv(): Promise<void> {
  const logger = createLogger('cnam-worker');
  const temporalEnv = loadTemporalEnv();
  const workerEnv = loadWorkerEnv();
  const deps = await buildActivityDeps();
  const requestsPerSecond = requestRatesFromEnv();
  const configured = Object.entries(deps)
    .filter(([, client]) => client !== null)
    .map(([name]) => name);
  if (configured.length === 0) {
    throw new ConfigError(
      'No provider credentials: set FLOWROUTE_ACCESS_KEY/FLOWROUTE_SECRET_KEY and/or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (or run `npm run sandbox` and use the values it prints).',
    );
  }
  // Only after the configuration checks: the native runtime and an open connection keep the process alive.
  installTracing({ serviceName: 'cnam-worker' });
  installTemporalLogging(logger);
  installWorkerMetrics();
  const { connection, target } = await connectWorker();
  let health: WorkerHealthServer | null = null;
  try {
    await requireSearchAttributes(target.namespace);
    const worker = await createCnamWorker({
      connection,
      namespace: target.namespace,
      taskQueue: temporalEnv.CNAM_TASK_QUEUE,
      deps,
      maxCachedWorkflows: workerEnv.CNAM_MAX_CACHED_WORKFLOWS,
      requestsPerSecond,
      ...(workerEnv.CNAM_MAX_CONCURRENT_ACTIVITIES !== undefined && {
        maxConcurrentActivities: workerEnv.CNAM_MAX_CONCURRENT_ACTIVITIES,
      }),
      ...(workerEnv.CNAM_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined && {
        maxConcurrentWorkflowTasks: workerEnv.CNAM_MAX_CONCURRENT_WORKFLOW_TASKS,
      }),
      shutdownGraceMs: workerEnv.CNAM_SHUTDOWN_GRACE,
    });
    if (workerEnv.CNAM_HEALTH_PORT !== undefined) {
      health = await startWorkerHealthServer({
        host: workerEnv.CNAM_HEALTH_HOST,
        port: workerEnv.CNAM_HEALTH_PORT,
        parts: () => worker.parts(),
      });
      logger.info({ url: health.url }, 'health probes at /healthz and /readyz');
    }
    // The SDK's runtime turns SIGTERM/SIGINT into a shutdown of every part: polling stops at once,
    // activities in flight get CNAM_SHUTDOWN_GRACE to finish, then run() resolves.
    for (const signal of ['SIGTERM', 'SIGINT'] as const)
      process.once(signal, () =>
        logger.info(
          { signal, graceMs: workerEnv.CNAM_SHUTDOWN_GRACE },
          'shutting down: finishing activities in flight',
        ),
      );
    logger.info(
      {
        address: target.address,
        namespace: target.namespace,
        taskQueue: temporalEnv.CNAM_TASK_QUEUE,
        providers: configured,
      },
      'worker started',
    );
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await health?.close();
    await connection.close();
    await shutdownTracing();
  }
}

if (require.main === module) {
  runWorkerFromEnv().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
