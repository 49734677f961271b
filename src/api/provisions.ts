/** `/v1/provisions`: start (idempotent per provider and number), describe, list, cancel, check now. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { cancelProvision, checkNowProvision, listProvisions } from '../provisioning/queries';
import { describeProvision, startProvision } from '../provisioning/service';
import type { ApiDeps, ApiEnv } from './context';
import { ErrorBodySchema } from './errors';
import { CancelledSchema, ProvisionListSchema, ProvisionReportSchema, ProvisionStartedSchema, SignalledSchema } from './responses';
import { prepareStart, ProvisionFilterSchema, ProvisionIdSchema, ProvisionStartSchema } from './schemas';

const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const errors = {
  400: json(ErrorBodySchema, 'Invalid input: every broken rule is named in `problems`'),
  401: json(ErrorBodySchema, 'Missing or wrong bearer token'),
};
const security = [{ bearer: [] }];
const idParams = z.object({ id: ProvisionIdSchema });
const notFound = json(ErrorBodySchema, 'No such provisioning');
const notRunning = json(ErrorBodySchema, 'The provisioning has already ended');

const start = createRoute({
  method: 'post', path: '/v1/provisions', security, summary: 'Start provisioning a number (idempotent while one is running)',
  request: { body: { required: true, content: { 'application/json': { schema: ProvisionStartSchema } } } },
  responses: { 201: json(ProvisionStartedSchema, 'Started'), 200: json(ProvisionStartedSchema, 'Already running for this provider and number: that one is returned'), ...errors },
});
const get = createRoute({
  method: 'get', path: '/v1/provisions/{id}', security, summary: 'Execution state, current step, result or failure',
  request: { params: idParams },
  responses: { 200: json(ProvisionReportSchema, 'The provisioning'), 404: notFound, ...errors },
});
const list = createRoute({
  method: 'get', path: '/v1/provisions', security, summary: 'Provisionings matching every given filter, newest first',
  request: { query: ProvisionFilterSchema },
  responses: { 200: json(ProvisionListSchema, 'Matching provisionings (visibility is eventually consistent)'), ...errors },
});
const cancel = createRoute({
  method: 'post', path: '/v1/provisions/{id}/cancel', security, summary: 'Cancel a running provisioning',
  request: { params: idParams },
  responses: { 202: json(CancelledSchema, 'Cancellation requested'), 404: notFound, 409: notRunning, ...errors },
});
const checkNow = createRoute({
  method: 'post', path: '/v1/provisions/{id}/check-now', security, summary: 'Check with the provider now instead of at the next scheduled check',
  request: { params: idParams },
  responses: { 202: json(SignalledSchema, 'Signalled'), 404: notFound, 409: notRunning, ...errors },
});

/** Registers the /v1 routes on `app` (bearer auth is applied by the caller). */
export function registerProvisionRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { client } = deps;
  app.openapi(start, async (c) => {
    const input = prepareStart(c.req.valid('json'), { statusCallbackUrl: deps.webhook?.publicUrl });
    const started = await startProvision(client, deps.taskQueue, input);
    c.set('workflowId', started.workflowId);
    const body = { workflowId: started.workflowId, runId: started.runId ?? null, alreadyRunning: started.alreadyRunning, links: { self: `/v1/provisions/${started.workflowId}` } };
    if (started.alreadyRunning) return c.json(body, 200);
    c.header('Location', body.links.self);
    return c.json(body, 201);
  });
  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    c.set('workflowId', id);
    return c.json(await describeProvision(client, id), 200);
  });
  app.openapi(list, async (c) => c.json({ provisions: await listProvisions(client, c.req.valid('query')) }, 200));
  app.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    c.set('workflowId', id);
    return c.json(await cancelProvision(client, id), 202);
  });
  app.openapi(checkNow, async (c) => {
    const { id } = c.req.valid('param');
    c.set('workflowId', id);
    return c.json(await checkNowProvision(client, id), 202);
  });
}
