/**
 * `/v1/watch`: the drift watch's schedule and its latest report, and a run now. The schedule itself is
 * created and deleted with `cnam watch enable` / `disable` (an operator's decision, not a client's).
 */
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import { EXECUTION_STATES } from '../app/schemas';
import { PROVIDER_IDS } from '../providers';
import { DRIFT_KINDS } from '../watch/drift';
import { triggerWatch, WatchNotEnabledError, watchState } from '../watch/schedule';
import type { ApiDeps, ApiEnv } from './context';
import { ApiError } from './errors';
import { errorResponses, json } from './openapi';

const security = [{ bearer: [] }];
const always = [401, 503] as const;
const time = z.iso.datetime();

const RepairOutcomeSchema = z
  .object({ workflowId: z.string(), started: z.boolean(), detail: z.string() })
  .meta({ id: 'RepairOutcome' });

export const DriftItemSchema = z
  .object({
    provider: z.enum(PROVIDER_IDS),
    number: z.string(),
    displayName: z.string(),
    kind: z.enum(DRIFT_KINDS),
    detail: z.string(),
    /** What `repair` started for it, or why nothing; null without `repair`. */
    repair: RepairOutcomeSchema.nullable(),
  })
  .meta({ id: 'DriftItem' });

export const ReconcileResultSchema = z
  .object({
    checkedAt: time,
    numbersChecked: z.number().int().min(0),
    drift: z.array(DriftItemSchema),
    ok: z.number().int().min(0),
    repair: z.boolean(),
    dip: z.boolean(),
    notes: z.array(z.string()),
  })
  .meta({ id: 'ReconcileResult' });

export const WatchScheduleSchema = z
  .object({
    scheduleId: z.string(),
    every: z.string(),
    everyMs: z.number().int(),
    repair: z.boolean(),
    dip: z.boolean(),
    taskQueue: z.string(),
    paused: z.boolean(),
    overlap: z.string(),
    nextRunTimes: z.array(time),
    recentRuns: z.array(
      z.object({
        workflowId: z.string(),
        runId: z.string(),
        takenAt: time,
        state: z.enum([...EXECUTION_STATES, 'unknown']),
      }),
    ),
    running: z.array(z.string()),
  })
  .meta({ id: 'WatchSchedule' });

export const WatchStateSchema = z
  .object({
    /** Null when no watch schedule is enabled. */
    schedule: WatchScheduleSchema.nullable(),
    /** The latest completed reconciliation; null when none has completed. */
    report: z
      .object({ workflowId: z.string(), runId: z.string(), closedAt: time, result: ReconcileResultSchema })
      .nullable(),
    /** Reconciliations running now. */
    running: z.array(z.string()),
  })
  .meta({ id: 'WatchState' });

export const WatchRunSchema = z
  .object({ workflowId: z.string(), alreadyRunning: z.boolean() })
  .meta({ id: 'WatchRun' });

const get = createRoute({
  method: 'get',
  path: '/v1/watch',
  operationId: 'getWatch',
  security,
  summary: 'The drift watch: its schedule (null when not enabled) and the latest completed reconciliation',
  responses: {
    200: json(WatchStateSchema, 'The schedule, the latest report and the runs in progress'),
    ...errorResponses(always),
  },
});

const run = createRoute({
  method: 'post',
  path: '/v1/watch/runs',
  operationId: 'runWatch',
  security,
  summary: 'Run the reconciliation now, through the watch schedule (with its options)',
  responses: {
    202: json(WatchRunSchema, 'Started; read its report at GET /v1/watch once it ends'),
    200: json(WatchRunSchema, 'A reconciliation is already running: that one is answered, none started'),
    ...errorResponses([404, 413, ...always], { 404: 'No watch schedule: enable it with `cnam watch enable`' }),
  },
});

/** Registers the watch routes on `app` (bearer auth is applied by the caller). */
export function registerWatchRoutes(app: OpenAPIHono<ApiEnv>, deps: ApiDeps): void {
  app.openapi(get, async (c) => c.json(await watchState(deps.client), 200));
  app.openapi(run, async (c) => {
    try {
      const started = await triggerWatch(deps.client);
      c.set('workflowId', started.workflowId);
      return c.json(started, started.alreadyRunning ? 200 : 202);
    } catch (err) {
      if (err instanceof WatchNotEnabledError) throw new ApiError(404, 'not-found', err.message);
      throw err;
    }
  });
}
