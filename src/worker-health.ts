/**
 * The worker's own HTTP probes, for an orchestrator (Kubernetes, compose healthchecks, a load balancer):
 * `/healthz` answers 200 while the process serves requests at all; `/readyz` answers 200 only while
 * every part of the worker polls its task queue, and 503 once a shutdown has begun (so no new work is
 * routed to a replica that is draining) or when a part has failed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dialUrl } from './http/dial';

/** A worker part's state as the SDK names it (`Worker.getState()`). */
export type WorkerPartState = 'INITIALIZED' | 'RUNNING' | 'STOPPED' | 'STOPPING' | 'DRAINING' | 'DRAINED' | 'FAILED';

export interface WorkerHealthServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the probes on `host:port` (0 = any free port) and resolves once listening. */
export async function startWorkerHealthServer(options: {
  host: string;
  port: number;
  /** Each part's task queue and current state. */
  parts: () => { taskQueue: string; state: WorkerPartState }[];
}): Promise<WorkerHealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, { error: 'method not allowed' });
    const parts = options.parts();
    if (path === '/healthz') {
      const failed = parts.filter((p) => p.state === 'FAILED');
      return answer(failed.length === 0 ? 200 : 503, { status: failed.length === 0 ? 'ok' : 'failed', parts });
    }
    if (path === '/readyz') {
      const ready = parts.length > 0 && parts.every((p) => p.state === 'RUNNING');
      return answer(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', parts });
    }
    return answer(404, { error: 'not found: the worker serves /healthz and /readyz' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: dialUrl(options.host, port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
