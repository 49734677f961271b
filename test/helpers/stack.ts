/**
 * A real Temporal dev server (visibility queries and the Web UI need one; the time-skipping server
 * has neither), the provider sandboxes and a worker: once per test file.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startSandboxes, type RunningSandboxes, type SandboxesOptions } from '../../dev/sandbox/start';
import { startDevServer, type RunningDevServer } from '../../dev/temporal/dev-server';
import { devServerSearchAttributeFlags } from '../../src/temporal/search-attributes';
import { buildActivityDeps, createCnamWorker } from '../../src/worker';
import { freePort } from './cli';
import { installQuietRuntime, uniqueTaskQueue, workflowBundle } from './temporal';

export interface Stack {
  server: RunningDevServer;
  sandboxes: RunningSandboxes;
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

export async function startStack(
  sandboxOptions: SandboxesOptions,
  options: { ui?: boolean; queuePrefix?: string; requestsPerSecond?: Record<string, number> } = {},
): Promise<Stack> {
  installQuietRuntime();
  const [port, uiPort, bundle] = await Promise.all([
    freePort(),
    options.ui ? freePort() : Promise.resolve(null),
    workflowBundle(),
  ]);
  const server = await startDevServer({
    port,
    uiPort,
    readyTimeoutMs: 90_000,
    searchAttributes: devServerSearchAttributeFlags(),
  });
  const sandboxes = await startSandboxes(sandboxOptions);
  const taskQueue = uniqueTaskQueue(options.queuePrefix ?? 'api');
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const worker = await createCnamWorker({
    connection: nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: await buildActivityDeps(sandboxes.workerEnv),
    workflowBundle: bundle,
    ...(options.requestsPerSecond && { requestsPerSecond: options.requestsPerSecond }),
  });
  const running = worker.run();
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  return {
    server,
    sandboxes,
    client,
    taskQueue,
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
