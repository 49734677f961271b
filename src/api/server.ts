/** Serves the API on a real port (the app itself needs none: tests call `app.request`). */
import { type ServedApp, serveFetch } from '../http/serve';
import { honoRouteOf, traceRequests } from '../telemetry/http-server';
import { tracingEnabled } from '../telemetry/tracing';
import { createApiApp } from './app';
import type { ApiDeps } from './context';

export type RunningApiServer = ServedApp;

/** Listens on `host:port` (0 = any free port) and resolves once it does. */
export async function startApiServer(options: ApiDeps & { port: number; host: string }): Promise<RunningApiServer> {
  const { port, host, ...deps } = options;
  const app = createApiApp(deps);
  // A SERVER span per request when tracing is on, so the workflows a request starts join its trace.
  const fetch = tracingEnabled() ? traceRequests(app.fetch, honoRouteOf(app)) : app.fetch;
  return serveFetch(fetch, host, port);
}
