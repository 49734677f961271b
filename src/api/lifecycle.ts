/**
 * `/v1/renames`, `/v1/removals`, `/v1/adoptions`: start a rename, removal or adoption under the
 * number's own workflow id (idempotent while that operation runs; 409 while another one does). The
 * run is then read, cancelled and checked through `/v1/provisions/{id}` like a provisioning.
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { z } from 'zod';
import { type LifecycleRequest, NumberRequestSchema, RenameRequestSchema, startLifecycle } from '../app/lifecycle';
import type { LifecycleOperation } from '../core/lifecycle';
import type { ApiDeps, ApiEnv } from './context';
import { errorResponses, json } from './openapi';
import { LifecycleStartedSchema } from './responses';

const security = [{ bearer: [] }];
const always = [401, 503] as const;
const byWorkflowId = { parameters: { id: '$response.body#/workflowId' } };
const links = {
  GetProvision: { operationId: 'getProvision', ...byWorkflowId },
  CancelProvision: { operationId: 'cancelProvision', ...byWorkflowId },
};

const ROUTES = [
  {
    operation: 'rename',
    path: '/v1/renames',
    operationId: 'startRename',
    schema: RenameRequestSchema,
    summary: 'Give a number a new caller name (the old one stays until the new one is approved)',
  },
  {
    operation: 'remove',
    path: '/v1/removals',
    operationId: 'startRemoval',
    schema: NumberRequestSchema,
    summary: "Take a number's caller name off it (what no other number uses is deleted)",
  },
  {
    operation: 'adopt',
    path: '/v1/adoptions',
    operationId: 'startAdoption',
    schema: NumberRequestSchema,
    summary: 'Take over a number that already shows a name at the provider: reads it, creates nothing',
  },
] as const satisfies readonly {
  operation: LifecycleOperation;
  path: string;
  operationId: string;
  schema: z.ZodType;
  summary: string;
}[];

function route(r: (typeof ROUTES)[number]) {
  return createRoute({
    method: 'post',
    path: r.path,
    operationId: r.operationId,
    security,
    summary: r.summary,
    request: { body: { required: true, content: { 'application/json': { schema: r.schema } } } },
    responses: {
      201: {
        ...json(LifecycleStartedSchema, 'Started', {
          Location: {
            description: 'The run: /v1/provisions/{id}',
            schema: { type: 'string', pattern: '^/v1/provisions/' },
          },
        }),
        links,
      },
      200: {
        ...json(LifecycleStartedSchema, 'This operation is already running on the number: that run is returned'),
        links,
      },
      ...errorResponses([400, 409, 413, 415, ...always], {
        400: 'Malformed JSON, a field of the wrong shape, or a broken number or name rule: each named in `problems`',
        409: 'Another operation (e.g. its provisioning) runs on the number (`number-busy`); nothing was started',
      }),
    },
  });
}

/** Registers the rename, removal and adoption routes on `app` (bearer auth is applied by the caller). */
export function registerLifecycleRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  for (const r of ROUTES) {
    app.openapi(route(r), async (c) => {
      const request = { ...(c.req.valid('json') as object), operation: r.operation } as LifecycleRequest;
      const started = await startLifecycle(deps.client, deps.taskQueue, request, {
        statusCallbackUrl: deps.webhook?.publicUrl,
      });
      c.set('workflowId', started.workflowId);
      const answer = {
        workflowId: started.workflowId,
        runId: started.runId ?? null,
        alreadyRunning: started.alreadyRunning,
        operation: started.operation,
        links: { self: `/v1/provisions/${started.workflowId}` },
      };
      if (started.alreadyRunning) return c.json(answer, 200);
      c.header('Location', answer.links.self);
      return c.json(answer, 201);
    });
  }
}
