import { listen } from '../shared/server';
import { createFlowrouteSandboxApp, type FlowrouteSandboxControls } from './app';
import type { FlowrouteSandboxOptions } from './options';

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
export async function startFlowrouteSandbox(
  options: StartFlowrouteSandboxOptions = {},
): Promise<RunningFlowrouteSandbox> {
  const { port = 0, host = '127.0.0.1', ...appOptions } = options;
  const { app, dispose, ...controls } = createFlowrouteSandboxApp(appOptions);
  const server = await listen(app, { host, port });
  return {
    ...controls,
    url: server.url,
    port: server.port,
    close: () => {
      dispose();
      return server.close();
    },
  };
}
