/**
 * The production topology on one machine, without Docker: PostgreSQL, a real Temporal server on it
 * (never the dev server), its Web UI, the provider sandboxes, two workers and the API, each worker and
 * the API a process of its own running the compiled build (`node bin/cnam.js worker|serve`), as the
 * containers in docker-compose.yml do. `npm run cluster` runs it; test/cluster/production-topology.test.ts drives it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { startCodecServer } from '../../src/temporal/codec-server';
import { codecFromEnv } from '../../src/temporal/data-converter';
import { startSandboxes, type RunningSandboxes } from '../sandbox/start';
import { startPostgres, type RunningPostgres } from './postgres';
import { CLUSTER_SETTINGS, pinnedVersions } from './settings';
import {
  CLUSTER_BIN,
  type RunningProcess,
  registerNamespace,
  setupSchemas,
  spawnLogged,
  waitForFrontend,
  writeServerConfig,
  writeUiConfig,
} from './temporal-server';

const ROOT = resolve(__dirname, '..', '..');
const CNAM = join(ROOT, 'bin', 'cnam.js');
const DB_PASSWORD = 'temporal';

export interface ClusterPorts {
  postgres: number;
  /** The frontend; the server also uses the nine ports above it. */
  temporal: number;
  ui: number;
  api: number;
  flowroute: number;
  twilio: number;
  /** One per worker: its /healthz and /readyz. */
  workerHealth: number[];
  /** One per worker: its Prometheus metrics. */
  workerMetrics: number[];
  /** The codec server's, when CNAM_CODEC_KEYS is set (0 or unset: any free port). */
  codec?: number;
}

export interface ClusterOptions {
  /** PostgreSQL's data, the configs and every process's log. */
  stateDir: string;
  ports: ClusterPorts;
  /** Milliseconds until the sandboxes approve a record or Trust Product. */
  approvalDelayMs: number;
  apiToken?: string;
  /** Progress lines. */
  say?: (line: string) => void;
}

export interface ClusterWorker {
  index: number;
  healthUrl: string;
  metricsUrl: string;
  pid(): number | undefined;
}

export interface RunningCluster {
  address: string;
  namespace: string;
  uiUrl: string;
  apiUrl: string;
  apiToken: string;
  sandboxes: RunningSandboxes;
  workers: ClusterWorker[];
  logDir: string;
  /** The environment a `cnam` command needs to reach this cluster. */
  clientEnv: Record<string, string>;
  /** `kill -9` of one worker process: what it had in flight is retried on the other one. */
  killWorker(index: number): Promise<void>;
  startWorker(index: number): Promise<void>;
  /** Stops the Temporal server (SIGTERM, or SIGKILL when `hard`) and starts it again on the same database. */
  restartTemporal(options?: { hard?: boolean; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

async function waitForHttp(url: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} (${url}) not ready within ${timeoutMs} ms: ${last}`);
}

export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const say = options.say ?? (() => {});
  const { ports } = options;
  const stateDir = resolve(options.stateDir);
  const logDir = join(stateDir, 'logs');
  const versions = pinnedVersions();
  const started: { stop(): Promise<void> | void }[] = [];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop();
    started.length = 0;
  };
  try {
    say(`PostgreSQL ${versions.POSTGRES_MAJOR} on 127.0.0.1:${ports.postgres} (data in ${join(stateDir, 'postgres')})`);
    const postgres: RunningPostgres = startPostgres({
      dataDir: join(stateDir, 'postgres'),
      port: ports.postgres,
      user: CLUSTER_SETTINGS.dbUser,
      password: DB_PASSWORD,
      logFile: join(logDir, 'postgres.log'),
    });
    started.push(postgres);
    const db = { host: postgres.host, port: postgres.port, user: CLUSTER_SETTINGS.dbUser, password: DB_PASSWORD };
    say(
      `Temporal schemas (${CLUSTER_SETTINGS.databases.persistence}, ${CLUSTER_SETTINGS.databases.visibility}) through temporal-sql-tool ${versions.TEMPORAL_SERVER_VERSION}`,
    );
    setupSchemas(db);

    const address = `127.0.0.1:${ports.temporal}`;
    const serverConfig = join(stateDir, 'config', 'temporal.yaml');
    writeServerConfig(serverConfig, {
      db,
      frontendPort: ports.temporal,
      dynamicConfigFile: join(ROOT, CLUSTER_SETTINGS.dynamicConfigFile),
    });
    let server: RunningProcess | null = null;
    const startServer = async () => {
      server = spawnLogged(
        join(CLUSTER_BIN, 'temporal-server'),
        ['--config-file', serverConfig, '--allow-no-auth', 'start'],
        {
          logFile: join(logDir, 'temporal.log'),
        },
      );
      await waitForFrontend(address, 120_000, { server, logFile: join(logDir, 'temporal.log') });
    };
    say(
      `Temporal server ${versions.TEMPORAL_SERVER_VERSION} on ${address} (${CLUSTER_SETTINGS.numHistoryShards} history shards)`,
    );
    await startServer();
    started.push({ stop: () => server?.stop() });
    const retentionHours = Number.parseInt(CLUSTER_SETTINGS.namespaceRetention, 10);
    await registerNamespace(address, CLUSTER_SETTINGS.namespace, retentionHours);
    await waitForFrontend(address, 60_000, { namespace: CLUSTER_SETTINGS.namespace });

    // With payload encryption on (CNAM_CODEC_KEYS, passed on to the workers and the API), the Web UI decodes through a codec server.
    const codec = codecFromEnv();
    const codecServer = codec
      ? await startCodecServer({
          codec,
          host: '127.0.0.1',
          port: ports.codec ?? 0,
          corsOrigins: [`http://127.0.0.1:${ports.ui}`],
        })
      : null;
    if (codecServer) {
      started.push({ stop: () => codecServer.close() });
      say(`Codec server for the Web UI: ${codecServer.url}`);
    }
    const uiConfigDir = join(stateDir, 'config', 'ui');
    writeUiConfig(uiConfigDir, {
      temporalAddress: address,
      port: ports.ui,
      ...(codecServer && { codecEndpoint: codecServer.url }),
    });
    const ui = spawnLogged(
      join(CLUSTER_BIN, 'temporal-ui-server'),
      ['--root', stateDir, '--config', 'config/ui', '--env', 'development', 'start'],
      {
        logFile: join(logDir, 'ui.log'),
      },
    );
    started.push(ui);
    const uiUrl = `http://127.0.0.1:${ports.ui}`;

    const clientEnv: Record<string, string> = {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: CLUSTER_SETTINGS.namespace,
      TEMPORAL_UI_URL: uiUrl,
    };
    const cnamEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => {
      // Nothing from the caller's Temporal settings leaks in: the cluster's own address and namespace only.
      const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
      return { ...base, ...clientEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', ...extra };
    };
    say('Search attributes: cnam setup');
    const setup = spawnSync(process.execPath, [CNAM, 'setup'], { env: cnamEnv({}), encoding: 'utf8' });
    if (setup.status !== 0)
      throw new Error(`cnam setup failed (exit ${setup.status}):\n${setup.stderr}${setup.stdout}`);

    const sandboxes = await startSandboxes({
      flowroutePort: ports.flowroute,
      twilioPort: ports.twilio,
      flowrouteApprovalDelayMs: options.approvalDelayMs,
      twilioDecisionDelayMs: options.approvalDelayMs,
    });
    started.push({ stop: () => sandboxes.close() });
    say(`Sandboxes: Flowroute ${sandboxes.flowroute.url}, Twilio ${sandboxes.twilio.url}`);

    const apiToken = options.apiToken ?? randomBytes(18).toString('base64url');
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    const webhookUrl = `${apiUrl}/webhooks/twilio/trust-products`;
    const workerProcesses: (RunningProcess | null)[] = [];
    const workers: ClusterWorker[] = ports.workerHealth.map((healthPort, index) => ({
      index,
      healthUrl: `http://127.0.0.1:${healthPort}`,
      metricsUrl: `http://127.0.0.1:${ports.workerMetrics[index]}/metrics`,
      pid: () => workerProcesses[index]?.process.pid,
    }));
    const startWorker = async (index: number) => {
      const worker = spawnLogged(process.execPath, [CNAM, 'worker'], {
        logFile: join(logDir, `worker-${index + 1}.log`),
        env: cnamEnv({
          ...sandboxes.workerEnv,
          CNAM_PUBLIC_WEBHOOK_URL: webhookUrl,
          CNAM_HEALTH_HOST: '127.0.0.1',
          CNAM_HEALTH_PORT: String(ports.workerHealth[index]),
          CNAM_METRICS_ADDRESS: `127.0.0.1:${ports.workerMetrics[index]}`,
        }),
      });
      workerProcesses[index] = worker;
      await waitForHttp(`${workers[index]!.healthUrl}/readyz`, 90_000, `worker ${index + 1}`);
    };
    for (const worker of workers) {
      await startWorker(worker.index);
      started.push({ stop: () => workerProcesses[worker.index]?.stop() });
      say(`Worker ${worker.index + 1}: pid ${worker.pid()}, ${worker.healthUrl}/readyz, metrics ${worker.metricsUrl}`);
    }
    const api = spawnLogged(process.execPath, [CNAM, 'serve'], {
      logFile: join(logDir, 'api.log'),
      env: cnamEnv({
        ...sandboxes.workerEnv,
        CNAM_API_HOST: '127.0.0.1',
        CNAM_API_PORT: String(ports.api),
        CNAM_API_TOKEN: apiToken,
        CNAM_PUBLIC_WEBHOOK_URL: webhookUrl,
      }),
    });
    started.push(api);
    await waitForHttp(`${apiUrl}/readyz`, 60_000, 'the API');
    await waitForHttp(uiUrl, 30_000, 'the Web UI');

    return {
      address,
      namespace: CLUSTER_SETTINGS.namespace,
      uiUrl,
      apiUrl,
      apiToken,
      sandboxes,
      workers,
      logDir,
      clientEnv,
      killWorker: async (index) => {
        await workerProcesses[index]?.stop('SIGKILL');
        workerProcesses[index] = null;
      },
      startWorker,
      restartTemporal: async ({ hard = false, downMs = 0 } = {}) => {
        await server?.stop(hard ? 'SIGKILL' : 'SIGTERM');
        if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
        await startServer();
        await waitForFrontend(address, 60_000, { namespace: CLUSTER_SETTINGS.namespace });
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
