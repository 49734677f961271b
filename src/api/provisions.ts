/** `/v1/provisions`: start (idempotent per provider and number), describe, list, cancel, check now. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { cancelProvision, checkNowProvision } from '../app/control';
import { describeProvision } from '../app/describe';
import { listProvisions } from '../app/list';
import { startProvision } from '../app/start';
import type { ApiDeps, ApiEnv } from './context';
import { errorResponses, json } from './openapi';
import {
  CancelledSchema,
  ProvisionListSchema,
  ProvisionReportSchema,
  ProvisionStartedSchema,
  SignalledSchema,
} from './responses';
import { prepareStart, ProvisionFilterSchema, ProvisionIdSchema, ProvisionStartSchema } from '../app/schemas';

const security = [{ bearer: [] }];
const idParams = z.object({ id: ProvisionIdSchema });
// Every /v1 route: bearer auth and Temporal's availability; every POST the body limit.
const always = [401, 503] as const;
// OpenAPI links: the started workflow's id leads to the other operations (and lets fuzzers chain them).
const byWorkflowId = { parameters: { id: '$response.body#/workflowId' } };
const links = {
  GetProvision: { operationId: 'getProvision', ...byWorkflowId },
  CancelProvision: { operationId: 'cancelProvision', ...byWorkflowId },
  CheckProvisionNow: { operationId: 'checkProvisionNow', ...byWorkflowId },
};

const start = createRoute({
  method: 'post',
  path: '/v1/provisions',
  operationId: 'startProvision',
  security,
  summary: 'Start provisioning a number (idempotent while one is running)',
  request: { body: { required: true, content: { 'application/json': { schema: ProvisionStartSchema } } } },
  responses: {
    201: {
      ...json(ProvisionStartedSchema, 'Started', {
        Location: {
          description: 'The provisioning: /v1/provisions/{id}',
          schema: { type: 'string', pattern: '^/v1/provisions/' },
        },
      }),
      links,
    },
    200: {
      ...json(ProvisionStartedSchema, 'Already running for this provider and number: that one is returned'),
      links,
    },
    ...errorResponses([400, 409, 413, 415, ...always], {
      400: 'Malformed JSON, a field of the wrong shape, or a broken number or name rule: each named in `problems`',
      409: 'Another operation (a rename, removal or adoption) runs on the number (`number-busy`); nothing was started',
    }),
  },
});
const get = createRoute({
  method: 'get',
  path: '/v1/provisions/{id}',
  operationId: 'getProvision',
  security,
  summary: 'Execution state, current step, result or failure',
  request: { params: idParams },
  responses: {
    200: json(ProvisionReportSchema, 'The provisioning'),
    ...errorResponses([400, 404, ...always], { 400: 'Not a provisioning id' }),
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/provisions',
  operationId: 'listProvisions',
  security,
  summary: 'Provisionings matching every given filter, newest first',
  request: { query: ProvisionFilterSchema },
  responses: {
    200: json(ProvisionListSchema, 'Matching provisionings (visibility is eventually consistent)'),
    ...errorResponses([400, ...always]),
  },
});
const cancel = createRoute({
  method: 'post',
  path: '/v1/provisions/{id}/cancel',
  operationId: 'cancelProvision',
  security,
  summary: 'Cancel a running provisioning, rename, removal or adoption: it undoes what this run created',
  request: { params: idParams },
  responses: {
    202: json(CancelledSchema, 'Cancellation requested'),
    ...errorResponses([400, 404, 409, 413, ...always], {
      400: 'Not a provisioning id',
      409: 'It has already ended (`not-running`), or a cancel was requested before (`already-cancelling`)',
    }),
  },
});
const checkNow = createRoute({
  method: 'post',
  path: '/v1/provisions/{id}/check-now',
  operationId: 'checkProvisionNow',
  security,
  summary: 'Check with the provider now instead of at the next scheduled check',
  request: { params: idParams },
  responses: {
    202: json(SignalledSchema, 'The provisioning is checking with the provider now'),
    ...errorResponses([400, 404, 409, 413, ...always], {
      400: 'Not a provisioning id',
      409: 'Closed, or not waiting on a review (the workflow says which step it is at)',
    }),
  },
});

/** Registers the /v1 routes on `app` (bearer auth is applied by the caller). */
export function registerProvisionRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { client } = deps;
  app.openapi(start, async (c) => {
    const input = prepareStart(c.req.valid('json'), { statusCallbackUrl: deps.webhook?.publicUrl });
    const started = await startProvision(client, deps.taskQueue, input);
    c.set('workflowId', started.workflowId);
    const body = {
      workflowId: started.workflowId,
      runId: started.runId ?? null,
      alreadyRunning: started.alreadyRunning,
      links: { self: `/v1/provisions/${started.workflowId}` },
    };
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
