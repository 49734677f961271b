import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createFlowrouteSandboxApp, type FlowrouteSandboxControls, type FlowrouteSandboxOptions } from './app';

/** A listening sandbox: point FlowrouteClient's baseUrl at `url`. */
export interface RunningFlowrouteSandbox extends FlowrouteSandboxControls {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface StartFlowrouteSandboxOptions extends FlowrouteSandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

/** Starts the emulator on a real HTTP port; all a CLI needs to do is call this and print `url`. */
export async function startFlowrouteSandbox(options: StartFlowrouteSandboxOptions = {}): Promise<RunningFlowrouteSandbox> {
  const { port = 0, host = '127.0.0.1', ...appOptions } = options;
  const sandbox = createFlowrouteSandboxApp(appOptions);
  const { app, dispose, ...controls } = sandbox;
  const server = await new Promise<Server>((resolve, reject) => {
    // Leave the process's Request/Response alone: clients in the same process use the real fetch.
    const s = serve({ fetch: app.fetch, port, hostname: host, overrideGlobalObjects: false }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    ...controls,
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        dispose();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
