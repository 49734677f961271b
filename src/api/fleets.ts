/** `/v1/fleets`: plan and apply a fleet (idempotent per fleet id), its report, its numbers page by page, retry of its failed numbers. */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { applyFleet, describeFleet, FleetNotRetryableError, fleetNumbers, retryFleet, surveyPlan } from '../app/fleet';
import {
  FleetApplySchema,
  FleetIdSchema,
  FleetNumbersQuerySchema,
  fleetProblems,
  nextCursor,
  pageOf,
  planFleetRequest,
  requireSomethingToRun,
  summarisePlan,
} from '../app/fleet-schemas';
import { MAX_FLEET_BODY_BYTES } from './body-limit';
import type { ApiDeps, ApiEnv } from './context';
import { ApiError } from './errors';
import {
  FleetAppliedSchema,
  FleetDryRunSchema,
  FleetNumbersPageSchema,
  FleetReportSchema,
  FleetRetriedSchema,
} from './fleet-responses';
import { errorResponses, json } from './openapi';

export const FLEETS_PATH = '/v1/fleets';

const security = [{ bearer: [] }];
const idParams = z.object({ id: FleetIdSchema });
// Every /v1 route: bearer auth and Temporal's availability.
const always = [401, 503] as const;
const byFleetId = { parameters: { id: '$response.body#/fleetId' } };
const notFound = { 404: 'No such fleet' };
/** How long a request waits for the providers' answers for its plan (a client's own timeout is often 60 s). */
const API_SURVEY_DEADLINE_MS = 30_000;

const apply = createRoute({
  method: 'post',
  path: FLEETS_PATH,
  operationId: 'applyFleet',
  security,
  summary: 'Plan a fleet (one name on many numbers) and start it (idempotent per fleet id)',
  description:
    'Every row is checked with the rules of a single provisioning; refused rows are listed by line (position from 1) ' +
    'and the rest are grouped so that shared work (a record, a Trust Product) is done once. With `dryRun` only the plan ' +
    'is answered, refusals included, even when every row is refused. A fleet already running under the id starts ' +
    'nothing; after a finished run only the numbers no run has settled (done or failed) start.',
  request: { body: { required: true, content: { 'application/json': { schema: FleetApplySchema } } } },
  responses: {
    201: {
      ...json(FleetAppliedSchema, 'Started', {
        Location: { description: 'The fleet: /v1/fleets/{id}', schema: { type: 'string', pattern: '^/v1/fleets/' } },
      }),
      links: {
        GetFleet: { operationId: 'getFleet', ...byFleetId },
        ListFleetNumbers: { operationId: 'listFleetNumbers', ...byFleetId },
      },
    },
    200: json(
      z.union([FleetDryRunSchema, FleetAppliedSchema]),
      'A dry run: the plan, nothing started. Or nothing started: the fleet is already running (`alreadyRunning`), ' +
        'or earlier runs settled every number (`alreadyDone`)',
    ),
    ...errorResponses([400, 413, 415, ...always], {
      400: 'Malformed JSON, a field of the wrong shape, or every row refused: each named in `problems` as `rows.<line>.<field>`',
      413: `The body is longer than ${MAX_FLEET_BODY_BYTES} bytes`,
    }),
  },
});
const get = createRoute({
  method: 'get',
  path: `${FLEETS_PATH}/{id}`,
  operationId: 'getFleet',
  security,
  summary: "Execution state, the counts of numbers by state and the fleet's summary, or its failure",
  request: { params: idParams },
  responses: {
    200: json(FleetReportSchema, 'The fleet'),
    ...errorResponses([400, 404, ...always], { 400: 'Not a fleet id', ...notFound }),
  },
});
const numbers = createRoute({
  method: 'get',
  path: `${FLEETS_PATH}/{id}/numbers`,
  operationId: 'listFleetNumbers',
  security,
  summary: "Every number's outcome, a page at a time",
  description:
    "Each number's state, its provisioning's workflow id and the failure in the provider's words. Pages follow the " +
    'list as it is at each request: while the fleet runs numbers change state, so a filtered listing may shift ' +
    'between pages; a finished fleet pages stably.',
  request: { params: idParams, query: FleetNumbersQuerySchema },
  responses: {
    200: json(FleetNumbersPageSchema, 'A page of numbers'),
    ...errorResponses([400, 404, ...always], {
      400: 'Not a fleet id, or a bad state, limit or cursor',
      ...notFound,
    }),
  },
});

const retry = createRoute({
  method: 'post',
  path: `${FLEETS_PATH}/{id}/retry`,
  operationId: 'retryFleet',
  security,
  summary: 'Run the failed numbers of a finished fleet again (the provisioned ones stay as they are)',
  description:
    'Each failed number runs again in its group (an existing record or Trust Product is reused); the report keeps ' +
    'the numbers already done. 409 while the fleet runs, or when no number failed.',
  request: { params: idParams },
  responses: {
    201: json(FleetRetriedSchema, 'Started again', {
      Location: { description: 'The fleet: /v1/fleets/{id}', schema: { type: 'string', pattern: '^/v1/fleets/' } },
    }),
    ...errorResponses([400, 404, 409, ...always], {
      400: 'Not a fleet id',
      409: 'The fleet is still running, or no number failed (`not-retryable`)',
      ...notFound,
    }),
  },
});

/** Registers the fleet routes on `app` (bearer auth is applied by the caller). */
export function registerFleetRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  const { client } = deps;
  app.openapi(
    apply,
    async (c) => {
      const request = c.req.valid('json');
      const plan = requireSomethingToRun(
        await surveyPlan(
          client,
          deps.taskQueue,
          planFleetRequest(request, { statusCallbackUrl: deps.webhook?.publicUrl }),
          {
            deadlineMs: API_SURVEY_DEADLINE_MS,
          },
        ),
        request,
      );
      if (request.dryRun)
        return c.json({ fleetId: plan.fleetId, dryRun: true as const, plan: summarisePlan(plan) }, 200);
      c.set('workflowId', plan.fleetId);
      const started = await applyFleet(client, deps.taskQueue, plan, {
        ...(request.maxConcurrentGroups && { maxConcurrentGroups: request.maxConcurrentGroups }),
      });
      const self = `${FLEETS_PATH}/${plan.fleetId}`;
      const body = {
        fleetId: plan.fleetId,
        dryRun: false as const,
        alreadyRunning: started.alreadyRunning,
        started: started.started,
        alreadyDone: started.alreadyDone,
        plan: summarisePlan(plan),
        links: { self, numbers: `${self}/numbers` },
      };
      if (!started.started) return c.json(body, 200);
      c.header('Location', self);
      return c.json(body, 201);
    },
    // Problems name rows by line, as the plan's refusals do.
    (result): undefined => {
      if (!result.success) throw new ApiError(400, 'invalid-request', 'Invalid json', fleetProblems(result.error));
      return undefined;
    },
  );
  app.openapi(get, async (c) => {
    const { id } = c.req.valid('param');
    c.set('workflowId', id);
    const report = await fleetOrNotFound(id, () => describeFleet(client, id));
    return c.json(report, 200);
  });
  app.openapi(retry, async (c) => {
    const { id } = c.req.valid('param');
    c.set('workflowId', id);
    try {
      const { retried } = await fleetOrNotFound(id, () => retryFleet(client, deps.taskQueue, id));
      const self = `${FLEETS_PATH}/${id}`;
      c.header('Location', self);
      return c.json({ fleetId: id, retried, links: { self, numbers: `${self}/numbers` } }, 201);
    } catch (err) {
      if (err instanceof FleetNotRetryableError) throw new ApiError(409, 'not-retryable', err.message);
      throw err;
    }
  });
  app.openapi(numbers, async (c) => {
    const { id } = c.req.valid('param');
    c.set('workflowId', id);
    const page = pageOf(c.req.valid('query'));
    const found = await fleetOrNotFound(id, () => fleetNumbers(client, id, page));
    return c.json(
      { fleetId: id, ...found, nextCursor: nextCursor(page.offset, found.numbers.length, found.total) },
      200,
    );
  });
}

async function fleetOrNotFound<T>(id: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new ApiError(404, 'not-found', `No fleet ${id}`);
    throw err;
  }
}
