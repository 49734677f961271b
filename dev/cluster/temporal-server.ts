/**
 * The real Temporal server (go.temporal.io/server, built by scripts/install-cluster.sh) on PostgreSQL:
 * its schemas through the schema tool of the same module, its config file, and the process itself
 * (frontend, history, matching and worker services in one process), plus the Web UI server.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { stringify } from 'yaml';
import { CLUSTER_SETTINGS } from './settings';

export const CLUSTER_BIN = resolve(__dirname, '..', '..', '.cluster', 'bin');

export interface Database {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Creates both databases and brings their schemas to the module's latest version (safe to run again). */
export function setupSchemas(db: Database): void {
  const schemaNames = {
    [CLUSTER_SETTINGS.databases.persistence]: 'postgresql/v12/temporal',
    [CLUSTER_SETTINGS.databases.visibility]: 'postgresql/v12/visibility',
  };
  for (const [database, schemaName] of Object.entries(schemaNames)) {
    const tool = (args: string[], quiet = false) => {
      const common = ['--plugin', CLUSTER_SETTINGS.sqlPlugin, '--ep', db.host, '-p', String(db.port)];
      const auth = ['-u', db.user, '--pw', db.password, '--db', database];
      const result = spawnSync(
        join(CLUSTER_BIN, 'temporal-sql-tool'),
        [...common, ...auth, ...(quiet ? ['-q'] : []), ...args],
        {
          encoding: 'utf8',
        },
      );
      if (result.status !== 0)
        throw new Error(`temporal-sql-tool ${args[0]} (${database}) failed:\n${result.stderr}${result.stdout}`);
    };
    // The same three steps temporalio/docker-compose's setup runs; creating an existing database is not an error here.
    tool(['create-database'], true);
    tool(['setup-schema', '-v', '0.0']);
    tool(['update-schema', '--schema-name', schemaName]);
  }
}

/**
 * The ports one server uses, from its frontend port up: keep the nine above it free. All below 32768:
 * the server stores membership ports in a PostgreSQL smallint and stops at start otherwise.
 */
export function serverPorts(frontendPort: number) {
  if (frontendPort + 9 > 32_767)
    throw new Error(`Temporal's ports must be below 32768 (frontend ${frontendPort} uses up to ${frontendPort + 9})`);
  return {
    frontend: frontendPort,
    frontendHttp: frontendPort + 1,
    frontendMembership: frontendPort + 2,
    history: frontendPort + 3,
    historyMembership: frontendPort + 4,
    matching: frontendPort + 5,
    matchingMembership: frontendPort + 6,
    worker: frontendPort + 7,
    workerMembership: frontendPort + 8,
    metrics: frontendPort + 9,
  };
}

/** The server's config file, as config/development-postgres12.yaml in the module, on our database and ports. */
export function writeServerConfig(
  file: string,
  options: { db: Database; frontendPort: number; dynamicConfigFile: string },
): void {
  const { db } = options;
  const ports = serverPorts(options.frontendPort);
  const datastore = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: CLUSTER_SETTINGS.sqlPlugin,
      databaseName,
      connectAddr: `${db.host}:${db.port}`,
      connectProtocol: 'tcp',
      user: db.user,
      password: db.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const service = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: CLUSTER_SETTINGS.numHistoryShards,
      datastores: {
        'postgres-default': datastore(CLUSTER_SETTINGS.databases.persistence, 20),
        'postgres-visibility': datastore(CLUSTER_SETTINGS.databases.visibility, 10),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: {
        prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${ports.metrics}` },
      },
    },
    services: {
      frontend: service(ports.frontend, ports.frontendMembership, { httpPort: ports.frontendHttp }),
      history: service(ports.history, ports.historyMembership),
      matching: service(ports.matching, ports.matchingMembership),
      worker: service(ports.worker, ports.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${ports.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: options.dynamicConfigFile, pollInterval: '10s' },
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, stringify(config));
}

export interface RunningProcess {
  process: ChildProcess;
  /** Signals the process and waits for it to exit (SIGKILL after 15 s). */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Spawns `command` with its output appended to `logFile`; killed with us if we exit first. */
export function spawnLogged(
  command: string,
  args: string[],
  options: { logFile: string; env?: NodeJS.ProcessEnv; cwd?: string },
): RunningProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = createWriteStream(options.logFile, { flags: 'a' });
  const child = spawn(command, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    ...(options.cwd && { cwd: options.cwd }),
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  return {
    process: child,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Waits until the frontend answers and, when given, `namespace` is registered; fails at once if `server` exits. */
export async function waitForFrontend(
  address: string,
  timeoutMs: number,
  options: { namespace?: string; server?: RunningProcess; logFile?: string } = {},
): Promise<void> {
  const { namespace, server, logFile } = options;
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    if (server && (server.process.exitCode !== null || server.process.signalCode !== null))
      throw new Error(
        `The Temporal server exited (${server.process.exitCode ?? server.process.signalCode}) before it answered: see ${logFile ?? 'its log'}`,
      );
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        if (namespace) await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`Temporal at ${address} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

/** Registers the namespace (an existing one is left as it is). */
export async function registerNamespace(address: string, namespace: string, retentionHours: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs(`${retentionHours}h`),
    });
  } catch (err) {
    if (!/already exists|AlreadyExists/i.test(String(err))) throw err;
  } finally {
    await connection.close();
  }
}

/** The Web UI server's config (the module's config/development.yaml, trimmed to what we set). */
export function writeUiConfig(
  dir: string,
  options: { temporalAddress: string; port: number; codecEndpoint?: string },
): void {
  mkdirSync(dir, { recursive: true });
  const config = {
    temporalGrpcAddress: options.temporalAddress,
    host: '127.0.0.1',
    port: options.port,
    enableUi: true,
    defaultNamespace: CLUSTER_SETTINGS.namespace,
    disableNewsFetch: true,
    notifyOnNewVersion: false,
    cors: { cookieInsecure: true, allowOrigins: [] },
    codec: { endpoint: options.codecEndpoint ?? '', passAccessToken: false, includeCredentials: false },
  };
  writeFileSync(join(dir, 'development.yaml'), stringify(config));
}
