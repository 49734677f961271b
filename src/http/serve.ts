/** Serving a fetch handler (a Hono app) on a real port, for the API and the codec server. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { dialUrl } from './dial';

export interface ServedApp {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 = any free port) and resolves once it does. */
export async function serveFetch(
  fetch: (request: Request) => Response | Promise<Response>,
  host: string,
  port: number,
): Promise<ServedApp> {
  const { server, info } = await new Promise<{ server: Server; info: AddressInfo }>((resolve, reject) => {
    const s = serve({ fetch, port, hostname: host, overrideGlobalObjects: false }, (i) =>
      resolve({ server: s as Server, info: i }),
    );
    s.once('error', reject);
  });
  return {
    url: dialUrl(host, info.port),
    port: info.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeIdleConnections();
      }),
  };
}
