/**
 * A real Temporal dev server (visibility queries need one; the time-skipping server has none),
 * the provider sandboxes and a worker, once per test file; plus the app and a request helper.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApiApp } from '../../src/api';
import type { ApiDeps } from '../../src/api/context';
import { loadProvidersEnv } from '../../src/config/env';
import { startSandboxes, type RunningSandboxes, type SandboxesOptions } from '../../src/sandbox/start';
import { startDevServer, type RunningDevServer } from '../../src/temporal/dev-server';
import { devServerSearchAttributeFlags } from '../../src/temporal/search-attributes';
import { buildActivityDeps, createCnamWorker } from '../../src/worker';
import { freePort } from '../helpers/cli';
import { installQuietRuntime, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

export const TOKEN = 'test-token-0123456789abcdef';

export interface Stack {
  server: RunningDevServer;
  sandboxes: RunningSandboxes;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startStack(sandboxOptions: SandboxesOptions): Promise<Stack> {
  installQuietRuntime();
  const [port, bundle] = await Promise.all([freePort(), workflowBundle()]);
  const server = await startDevServer({ port, uiPort: null, readyTimeoutMs: 90_000, searchAttributes: devServerSearchAttributeFlags() });
  const sandboxes = await startSandboxes(sandboxOptions);
  const taskQueue = uniqueTaskQueue('api');
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker: Worker = await createCnamWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: buildActivityDeps(loadProvidersEnv(sandboxes.workerEnv)),
    workflowBundle: bundle,
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  return {
    server, sandboxes, client, taskQueue,
    close: async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await client.connection.close();
      await sandboxes.close();
      await server.stop();
    },
  };
}

/** The app without a socket, logging JSON lines into `logs`. */
export function testApp(stack: Pick<Stack, 'client' | 'taskQueue'>, overrides: Partial<ApiDeps> = {}) {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const app = createApiApp({ client: stack.client, taskQueue: stack.taskQueue, token: TOKEN, namespace: 'default', logger, ...overrides });
  return { app, logs };
}

type App = ReturnType<typeof testApp>['app'];

/** A request as a client sends it: JSON body, bearer token unless `token: null`. */
export async function call(app: App, method: string, path: string, options: { json?: unknown; body?: string; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? TOKEN}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as any) : null };
}
