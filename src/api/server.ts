/** Serves the API on a real port (the app itself needs none: tests call `app.request`). */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { honoRouteOf, traceRequests } from '../telemetry/http-server';
import { tracingEnabled } from '../telemetry/tracing';
import { createApiApp } from './app';
import type { ApiDeps } from './context';

export interface RunningApiServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 = any free port) and resolves once it does. */
export async function startApiServer(options: ApiDeps & { port: number; host: string }): Promise<RunningApiServer> {
  const { port, host, ...deps } = options;
  const app = createApiApp(deps);
  // A SERVER span per request when tracing is on, so the workflows a request starts join its trace.
  const fetch = tracingEnabled() ? traceRequests(app.fetch, honoRouteOf(app)) : app.fetch;
  const { server, info } = await new Promise<{ server: Server; info: AddressInfo }>((resolve, reject) => {
    const s = serve({ fetch, port, hostname: host, overrideGlobalObjects: false }, (i) =>
      resolve({ server: s as Server, info: i }),
    );
    s.once('error', reject);
  });
  const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${dialHost}:${info.port}`,
    port: info.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}
