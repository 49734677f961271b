import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createTwilioSandboxApp, type TwilioSandboxApp } from './app';
import type { TwilioSandboxOptions } from './options';

/** A sandbox listening on a real port; point the SDK's `trusthub` and `api` baseUrl at `url`. */
export interface RunningTwilioSandbox extends Omit<TwilioSandboxApp, 'close'> {
  /** Origin such as `http://127.0.0.1:4010`, serving both trusthub (`/v1`) and api (`/2010-04-01`). */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the sandbox on `host` (default 127.0.0.1) and `port` (default 0 = any free port). */
export async function startTwilioSandbox(
  options: TwilioSandboxOptions & { port?: number; host?: string } = {},
): Promise<RunningTwilioSandbox> {
  const { port = 0, host = '127.0.0.1', ...rest } = options;
  const sandbox = createTwilioSandboxApp(rest);
  const { server, info } = await new Promise<{ server: Server; info: AddressInfo }>((resolve, reject) => {
    const s = serve({ fetch: sandbox.app.fetch, port, hostname: host, overrideGlobalObjects: false }, (i) => resolve({ server: s as Server, info: i }));
    s.once('error', reject);
  });
  // A wildcard bind is reachable on loopback; the URL must be one a client can dial.
  const dialHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    ...sandbox,
    url: rest.publicUrl?.replace(/\/+$/, '') ?? `http://${dialHost}:${info.port}`,
    port: info.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        sandbox.close();
        server.close((err) => (err ? reject(err) : resolve()));
        // The SDK keeps connections alive; drop them so close() does not wait for their timeout.
        server.closeAllConnections();
      }),
  };
}
