/** `/healthz` (the process answers) and `/readyz` (Temporal answers for our namespace). */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { ApiDeps, ApiEnv } from './context';
import { errorResponses, json } from './openapi';
import { HealthSchema, ReadySchema } from './responses';

const READY_DEADLINE_MS = 3_000;

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'healthz',
  summary: 'The process is up',
  responses: { 200: json(HealthSchema, 'Up') },
});
const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'readyz',
  summary: 'Temporal is reachable and knows the namespace',
  responses: { 200: json(ReadySchema, 'Ready'), ...errorResponses([503]) },
});

export function registerHealthRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  app.openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyz, async (c) => {
    try {
      // Bounded: a dead address would otherwise wait out the connection's own retries.
      await deps.client.connection.withDeadline(Date.now() + READY_DEADLINE_MS, () =>
        deps.client.workflowService.describeNamespace({ namespace: deps.namespace }),
      );
      return c.json({ status: 'ready' as const, namespace: deps.namespace }, 200);
    } catch (err) {
      c.get('logger').warn(
        { err: err instanceof Error ? err.message : String(err) },
        'not ready: Temporal did not answer',
      );
      return c.json(
        { error: 'unavailable' as const, message: `Temporal did not answer for namespace ${deps.namespace}` },
        503,
      );
    }
  });
}
