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
import { createActivities, type ActivityDeps } from './activities';
import { ConfigError, loadTemporalEnv, loadWorkerEnv } from './config/env';
import { createLogger, installTemporalLogging } from './logging';
import { PROVIDERS } from './providers';
import { connectClient, connectWorker } from './temporal/connection';
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
    { name: 'provisionFleet', path: require.resolve('./fleet/workflow') },
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

export async function createCnamWorker(options: CnamWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: await createActivities(options.deps),
    ...workflowCode(options.workflowBundle),
    ...(options.maxCachedWorkflows !== undefined && { maxCachedWorkflows: options.maxCachedWorkflows }),
  });
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
  const deps = await buildActivityDeps();
  const configured = Object.entries(deps)
    .filter(([, client]) => client !== null)
    .map(([name]) => name);
  if (configured.length === 0) {
    throw new ConfigError(
      'No provider credentials: set FLOWROUTE_ACCESS_KEY/FLOWROUTE_SECRET_KEY and/or TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN (or run `npm run sandbox` and use the values it prints).',
    );
  }
  // Only after the configuration checks: the native runtime and an open connection keep the process alive.
  installTemporalLogging(logger);
  const { connection, target } = await connectWorker();
  try {
    await requireSearchAttributes(target.namespace);
    const worker = await createCnamWorker({
      connection,
      namespace: target.namespace,
      taskQueue: temporalEnv.CNAM_TASK_QUEUE,
      deps,
      maxCachedWorkflows: loadWorkerEnv().CNAM_MAX_CACHED_WORKFLOWS,
    });
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
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  runWorkerFromEnv().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
