/** The HTTP API on Hono: routes, bearer auth on /v1, the Twilio webhook, the OpenAPI document, Prometheus metrics. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps, ApiEnv } from './context';
import { ApiError, notFound, onError } from './errors';
import { bearerAuth } from './auth';
import { bodyLimit, MAX_FLEET_BODY_BYTES } from './body-limit';
import { FLEETS_PATH, registerFleetRoutes } from './fleets';
import { registerHealthRoutes } from './health';
import { registerLifecycleRoutes } from './lifecycle';
import { createApiMetrics } from './metrics';
import { registerProvisionRoutes } from './provisions';
import { requestLog } from './request-log';
import { registerWatchRoutes } from './watch';
import { zodProblems } from '../app/schemas';
import type { AnyProviderModule } from '../core/provider';
import { PROVIDERS } from '../providers';

/** Every Temporal call a request makes shares this budget, so an outage answers 503 instead of hanging. */
const REQUEST_DEADLINE_MS = 15_000;

/** Builds the app; call `app.request(...)` in tests, or serve it with startApiServer. */
export function createApiApp(deps: ApiDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({
    // Validation at the boundary: every zod issue becomes a named 400 problem.
    defaultHook: (result) => {
      if (!result.success)
        throw new ApiError(400, 'invalid-request', `Invalid ${result.target}`, zodProblems(result.error));
    },
  });
  app.onError(onError);
  app.notFound(notFound(() => app.routes));
  const metrics = createApiMetrics();
  app.use(metrics.middleware);
  app.use(requestLog(deps.logger));
  app.use(bodyLimit({ [FLEETS_PATH]: MAX_FLEET_BODY_BYTES }));
  app.use('/v1/*', bearerAuth(deps.token));
  app.use('*', (_c, next) => deps.client.withDeadline(Date.now() + REQUEST_DEADLINE_MS, next));
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  registerHealthRoutes(app, deps);
  // For Prometheus, like /healthz without a token; not in the OpenAPI document, which describes the JSON API.
  app.get('/metrics', metrics.scrape);
  registerProvisionRoutes(app, deps);
  registerLifecycleRoutes(app, deps);
  registerFleetRoutes(app, deps);
  registerWatchRoutes(app, deps);
  for (const provider of PROVIDERS as readonly AnyProviderModule[]) provider.registerHttp?.(app, deps);
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'cnam-orchestrator API',
      version: '1',
      description: `CNAM provisioning at ${PROVIDERS.map((p) => p.label).join(' and ')} on Temporal`,
    },
  });
  return app;
}
