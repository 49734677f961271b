/**
 * The worker: builds provider clients once from validated environment variables and runs the
 * provisioning workflows and activities. Run with `npm run worker` (or `cnam worker`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker, type NativeConnection, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { ConfigError, loadProvidersEnv, loadTemporalEnv, type ProvidersEnv } from './config/env';
import { createLogger, installTemporalLogging } from './logging';
import { FlowrouteClient } from './providers/flowroute';
import { createTwilioClient } from './providers/twilio';
import { connectClient, connectWorker } from './temporal/connection';
import { missingSearchAttributes } from './temporal/search-attributes';

/** Provider clients from the environment; a provider without credentials is null. */
export function buildActivityDeps(env: ProvidersEnv): ActivityDeps {
  const flowroute =
    env.FLOWROUTE_ACCESS_KEY && env.FLOWROUTE_SECRET_KEY
      ? new FlowrouteClient({ baseUrl: env.FLOWROUTE_BASE_URL, accessKey: env.FLOWROUTE_ACCESS_KEY, secretKey: env.FLOWROUTE_SECRET_KEY, timeoutMs: env.CNAM_PROVIDER_TIMEOUT_MS })
      : null;
  const twilio =
    env.TWILIO_ACCOUNT_SID && (env.TWILIO_AUTH_TOKEN || env.TWILIO_API_KEY_SID)
      ? createTwilioClient({
          accountSid: env.TWILIO_ACCOUNT_SID,
          timeoutMs: env.CNAM_PROVIDER_TIMEOUT_MS,
          ...(env.TWILIO_API_KEY_SID && env.TWILIO_API_KEY_SECRET
            ? { apiKeySid: env.TWILIO_API_KEY_SID, apiKeySecret: env.TWILIO_API_KEY_SECRET }
            : { authToken: env.TWILIO_AUTH_TOKEN }),
          ...(env.TWILIO_BASE_URL && { baseUrl: env.TWILIO_BASE_URL }),
        })
      : null;
  return { flowroute, twilio };
}

export interface CnamWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Prebuilt workflow code (tests bundle once per suite); otherwise see `workflowCode`. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** Where `npm run build` writes the bundled workflow code (scripts/build-workflow-bundle.ts): beside the compiled worker. */
const PREBUILT_WORKFLOW_BUNDLE = join(__dirname, 'workflow-bundle.js');

/** The given bundle, else the build's prebuilt one, else bundle at start (running from src through tsx). */
function workflowCode(given: WorkflowBundleOption | undefined): { workflowBundle: WorkflowBundleOption } | { workflowsPath: string } {
  if (given) return { workflowBundle: given };
  if (existsSync(PREBUILT_WORKFLOW_BUNDLE)) return { workflowBundle: { codePath: PREBUILT_WORKFLOW_BUNDLE } };
  return { workflowsPath: require.resolve('./workflows') };
}

export function createCnamWorker(options: CnamWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities(options.deps),
    ...workflowCode(options.workflowBundle),
  });
}

/** Upserting an unregistered attribute fails every workflow task: refuse to start instead, saying what to run. */
async function requireSearchAttributes(namespace: string): Promise<void> {
  const { connection } = await connectClient();
  try {
    const missing = await missingSearchAttributes(connection, namespace);
    if (missing.length > 0) {
      throw new ConfigError(`Search attributes ${missing.join(', ')} are not registered in namespace ${namespace}: run \`cnam setup\` once.`);
    }
  } finally {
    await connection.close();
  }
}

export async function runWorkerFromEnv(): Promise<void> {
  const logger = createLogger('cnam-worker');
  const temporalEnv = loadTemporalEnv();
  const providersEnv = loadProvidersEnv();
  const deps = buildActivityDeps(providersEnv);
  const configured = Object.entries(deps).filter(([, client]) => client !== null).map(([name]) => name);
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
    const worker = await createCnamWorker({ connection, namespace: target.namespace, taskQueue: temporalEnv.CNAM_TASK_QUEUE, deps });
    logger.info({ address: target.address, namespace: target.namespace, taskQueue: temporalEnv.CNAM_TASK_QUEUE, providers: configured }, 'worker started');
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
