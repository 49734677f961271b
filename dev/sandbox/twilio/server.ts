import { listen } from '../shared/server';
import { createTwilioSandboxApp, type TwilioSandboxApp } from './app';
import type { TwilioSandboxOptions } from './options';

/** A sandbox listening on a real port; point the SDK's `trusthub`, `api` and `lookups` baseUrl at `url`. */
export interface RunningTwilioSandbox extends Omit<TwilioSandboxApp, 'close'> {
  /** Origin such as `http://127.0.0.1:4010`, serving trusthub (`/v1`), api (`/2010-04-01`) and lookups (`/v2`). */
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
  const server = await listen(sandbox.app, { host, port });
  return {
    ...sandbox,
    url: rest.publicUrl?.replace(/\/+$/, '') ?? server.url,
    port: server.port,
    close: () => {
      sandbox.close();
      return server.close();
    },
  };
}
