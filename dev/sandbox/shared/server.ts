import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

/** An emulator's app listening on a real port. */
export interface Listening {
  /** An origin a client can dial, such as `http://127.0.0.1:8181`. */
  url: string;
  port: number;
  /** Stops listening and drops the open connections. */
  close(): Promise<void>;
}

/** Serves `app` on `host` and `port` (0 picks a free port); resolves once it listens. */
export async function listen(app: Hono, { host, port }: { host: string; port: number }): Promise<Listening> {
  const server = await new Promise<Server>((resolve, reject) => {
    // Leave the process's Request/Response alone: clients in the same process use the real fetch.
    const s = serve({ fetch: app.fetch, port, hostname: host, overrideGlobalObjects: false }, () =>
      resolve(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  const actualPort = (server.address() as AddressInfo).port;
  // A wildcard bind is reachable on loopback; the URL must be one a client can dial.
  const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${dialHost}:${actualPort}`,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets (fetch, the Twilio SDK) would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
