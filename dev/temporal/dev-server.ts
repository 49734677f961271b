/**
 * The embedded default: `temporal server start-dev` from the project's own binary, with a
 * persistent SQLite file and the Web UI. Used by `npm run dev`/`demo` and the end-to-end tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { temporalCliPath } from './binaries';

export interface DevServerOptions {
  ip?: string;
  port: number;
  /** Null runs headless. */
  uiPort: number | null;
  /** Persistent state; omitted = in memory. */
  dbFilename?: string;
  /** `Name=Type` pairs registered at start. */
  searchAttributes?: string[];
  /** How long to wait for the frontend to answer; a cold start on 2 cores can take a while. */
  readyTimeoutMs?: number;
  /** The codec server the Web UI decodes payloads with (`--ui-codec-endpoint`). */
  uiCodecEndpoint?: string;
}

export interface RunningDevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startDevServer(options: DevServerOptions): Promise<RunningDevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const args = [
    'server',
    'start-dev',
    '--ip',
    ip,
    '--port',
    String(options.port),
    '--log-level',
    'warn',
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
  ];
  if (options.uiPort === null) args.push('--headless');
  else args.push('--ui-port', String(options.uiPort), '--ui-disable-news-fetch');
  if (options.dbFilename) {
    mkdirSync(dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  for (const sa of options.searchAttributes ?? []) args.push('--search-attribute', sa);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  // One partition per task queue: the server splits a queue's rate limit over its partitions, and with the
  // default four a provider queue reached 0.84 of its limit (one: 0.94-0.97; `npm run bench -- fleet`).
  for (const value of ['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1'])
    args.push('--dynamic-config-value', value);

  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A parent that exits (process.exit on a signal, an uncaught error) must not leave the server running.
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  void exited.then(() => process.off('exit', killOnExit));
  const address = `${ip}:${options.port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`temporal server start-dev exited with code ${child.exitCode}:\n${stderr}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      // The namespace, not just the frontend: starts fail until 'default' is registered.
      await connection.workflowService.describeNamespace({ namespace: 'default' });
      await connection.close();
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(
          `temporal server start-dev did not answer at ${address} within ${options.readyTimeoutMs ?? 60_000} ms:\n${stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return { address, uiUrl: options.uiPort === null ? null : `http://${ip}:${options.uiPort}`, process: child, stop };
}
