/**
 * The watch through the Temporal client: the `cnam-watch` Schedule that runs `reconcileCnams`
 * (create or update, describe, trigger, delete) and the latest completed reconciliation's report.
 * What the CLI, the API and the typed client call.
 */
import {
  type Client,
  ScheduleAlreadyRunning,
  type ScheduleDescription,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import ms from 'ms';
import { type ExecutionState, STATE_BY_STATUS_NAME } from '../app/describe';
import { InvalidRequestError } from '../app/errors';
import { quote } from '../app/list';
import { durationMs } from '../core/duration';
import { RECONCILE_WORKFLOW_TYPE, type ReconcileInput, type ReconcileResult, WATCH_SCHEDULE_ID } from './drift';
import { reconcileCnams } from './workflow';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** How often the reconciliation may run: each run reads every number at its provider. */
export const WATCH_INTERVAL_BOUNDS = { minMs: MINUTE, maxMs: 30 * DAY, text: 'between 1m and 30d' };
export const DEFAULT_WATCH_INTERVAL = '1d';

export interface WatchOptions {
  /** e.g. '1d', '12h'; default 1d. */
  every?: string;
  repair?: boolean;
  dip?: boolean;
}

export interface WatchRun {
  workflowId: string;
  runId: string;
  /** When the schedule took the action. */
  takenAt: string;
  state: ExecutionState;
}

/** A watch schedule as the CLI and the API show it. */
export interface WatchSchedule {
  scheduleId: string;
  every: string;
  everyMs: number;
  repair: boolean;
  dip: boolean;
  taskQueue: string;
  paused: boolean;
  overlap: string;
  nextRunTimes: string[];
  /** The last few runs, oldest first, with their state now. */
  recentRuns: WatchRun[];
  /** Reconciliations running now. */
  running: string[];
}

/** A completed reconciliation's result, and which run it is. */
export interface WatchReport {
  workflowId: string;
  runId: string;
  closedAt: string;
  result: ReconcileResult;
}

/** `cnam watch run` or `POST /v1/watch/runs` with no schedule to trigger. */
export class WatchNotEnabledError extends Error {
  override readonly name = 'WatchNotEnabledError';
  constructor(readonly scheduleId: string = WATCH_SCHEDULE_ID) {
    super(`No watch schedule (${scheduleId}): enable it with \`cnam watch enable\``);
  }
}

/** The interval in milliseconds, or InvalidRequestError naming the field and its bounds. */
export function watchIntervalMs(every: string = DEFAULT_WATCH_INTERVAL): number {
  const n = durationMs(every);
  if (n === null || n < WATCH_INTERVAL_BOUNDS.minMs || n > WATCH_INTERVAL_BOUNDS.maxMs)
    throw new InvalidRequestError([
      {
        field: 'every',
        rule: 'duration',
        message: `every must be a duration ${WATCH_INTERVAL_BOUNDS.text}, e.g. 12h or 1d; ${JSON.stringify(every)} is not`,
      },
    ]);
  return n;
}

/**
 * Creates the schedule, or updates it to these options when it exists (the same options again change
 * nothing). Overlap SKIP: a reconciliation still running when the next is due means the next is skipped.
 */
export async function enableWatch(
  client: Client,
  taskQueue: string,
  options: WatchOptions = {},
): Promise<{ created: boolean; schedule: WatchSchedule }> {
  const everyMs = watchIntervalMs(options.every);
  const input: ReconcileInput = { repair: options.repair === true, dip: options.dip === true };
  const spec = { intervals: [{ every: everyMs }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: reconcileCnams,
    workflowId: `${WATCH_SCHEDULE_ID}-run`,
    taskQueue,
    args: [input] as [ReconcileInput],
    staticSummary: `CNAM drift check${input.repair ? ', repairing' : ''}${input.dip ? ', dipping' : ''}`,
  };
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1h' as const };
  let created = true;
  try {
    await client.schedule.create({ scheduleId: WATCH_SCHEDULE_ID, spec, action, policies });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    created = false;
    await client.schedule.getHandle(WATCH_SCHEDULE_ID).update((previous) => ({
      ...previous,
      spec,
      action,
      policies,
      state: { paused: previous.state.paused, ...(previous.state.note && { note: previous.state.note }) },
    }));
  }
  const schedule = await describeWatch(client);
  if (!schedule) throw new WatchNotEnabledError();
  return { created, schedule };
}

/** The watch schedule, or null when there is none. */
export async function describeWatch(client: Client, scheduleId = WATCH_SCHEDULE_ID): Promise<WatchSchedule | null> {
  let d: ScheduleDescription;
  try {
    d = await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
  const everyMs = d.spec.intervals?.[0]?.every ?? 0;
  const input = (d.action.args?.[0] ?? {}) as ReconcileInput;
  const recent = d.info.recentActions.slice(-5);
  const recentRuns = await Promise.all(
    recent.map(async (a): Promise<WatchRun> => {
      const { workflowId, firstExecutionRunId: runId } = a.action.workflow;
      const state = await client.workflow
        .getHandle(workflowId, runId)
        .describe()
        .then((x) => STATE_BY_STATUS_NAME[x.status.name] ?? 'unknown')
        .catch((): ExecutionState => 'unknown');
      return { workflowId, runId, takenAt: a.takenAt.toISOString(), state };
    }),
  );
  return {
    scheduleId,
    every: ms(everyMs),
    everyMs,
    repair: input.repair === true,
    dip: input.dip === true,
    taskQueue: d.action.taskQueue,
    paused: d.state.paused,
    overlap: d.policies.overlap ?? ScheduleOverlapPolicy.SKIP,
    nextRunTimes: d.info.nextActionTimes.map((t) => t.toISOString()),
    recentRuns,
    running: d.info.runningActions.map((a) => a.workflow.workflowId),
  };
}

/**
 * Every schedule that runs the reconciliation: `cnam-watch`, read directly (listing is eventually
 * consistent), and any other found by listing (made by hand, say).
 */
export async function listWatchSchedules(client: Client): Promise<WatchSchedule[]> {
  const ids = new Set([WATCH_SCHEDULE_ID]);
  for await (const s of client.schedule.list())
    if (s.action?.workflowType === RECONCILE_WORKFLOW_TYPE) ids.add(s.scheduleId);
  const found = await Promise.all([...ids].map((id) => describeWatch(client, id)));
  return found.filter((s): s is WatchSchedule => s !== null);
}

/** Deletes the watch schedule (running reconciliations finish); false when there was none. */
export async function disableWatch(client: Client): Promise<boolean> {
  try {
    await client.schedule.getHandle(WATCH_SCHEDULE_ID).delete();
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** How long a trigger waits to see the run the schedule started. */
const TRIGGER_SEEN_WITHIN_MS = 20_000;

/**
 * Runs the reconciliation now, through the schedule (so the run is among its recent runs). When one is
 * running already, that one is answered (`alreadyRunning`) and none is started. WatchNotEnabledError
 * without a schedule.
 */
export async function triggerWatch(client: Client): Promise<{ workflowId: string; alreadyRunning: boolean }> {
  const handle = client.schedule.getHandle(WATCH_SCHEDULE_ID);
  const before = await handle.describe().catch((err: unknown) => {
    if (err instanceof ScheduleNotFoundError) throw new WatchNotEnabledError();
    throw err;
  });
  const running = before.info.runningActions[0];
  if (running) return { workflowId: running.workflow.workflowId, alreadyRunning: true };
  const known = new Set(before.info.recentActions.map((a) => a.action.workflow.firstExecutionRunId));
  await handle.trigger(ScheduleOverlapPolicy.SKIP);
  // The schedule starts the run asynchronously: look for it among its actions.
  const deadline = Date.now() + TRIGGER_SEEN_WITHIN_MS;
  for (;;) {
    const now = await handle.describe();
    const fresh = [...now.info.recentActions].reverse().find((a) => !known.has(a.action.workflow.firstExecutionRunId));
    if (fresh) return { workflowId: fresh.action.workflow.workflowId, alreadyRunning: false };
    const other = now.info.runningActions[0];
    if (other) return { workflowId: other.workflow.workflowId, alreadyRunning: true };
    if (Date.now() > deadline)
      throw new Error(`The schedule ${WATCH_SCHEDULE_ID} did not start a run within ${TRIGGER_SEEN_WITHIN_MS / 1000}s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits for a reconciliation to end: its result, or throws its failure. */
export async function watchRunResult(client: Client, workflowId: string): Promise<ReconcileResult> {
  return client.workflow.getHandle<typeof reconcileCnams>(workflowId).result();
}

/** The latest completed reconciliation (scheduled or not) and its result; null when none has completed. */
export async function latestWatchReport(client: Client): Promise<WatchReport | null> {
  const query = `WorkflowType = ${quote(RECONCILE_WORKFLOW_TYPE)} AND ExecutionStatus = "Completed"`;
  let latest: WorkflowExecutionInfo | undefined;
  for await (const info of client.workflow.list({ query, pageSize: 100 }))
    if (!latest || (info.closeTime?.getTime() ?? 0) > (latest.closeTime?.getTime() ?? 0)) latest = info;
  if (!latest) return null;
  const result = await client.workflow
    .getHandle<typeof reconcileCnams>(latest.workflowId, latest.runId, { followRuns: false })
    .result();
  return {
    workflowId: latest.workflowId,
    runId: latest.runId,
    closedAt: (latest.closeTime ?? latest.startTime).toISOString(),
    result,
  };
}

/** The reconciliations running now (scheduled or not), newest first. */
export async function runningWatchRuns(client: Client): Promise<string[]> {
  const query = `WorkflowType = ${quote(RECONCILE_WORKFLOW_TYPE)} AND ExecutionStatus = "Running"`;
  const ids: string[] = [];
  for await (const info of client.workflow.list({ query, pageSize: 20 })) ids.push(info.workflowId);
  return ids;
}

/** The watch at a glance: `GET /v1/watch`, `CnamClient.watchReport`. */
export interface WatchState {
  /** Null when no watch schedule is enabled. */
  schedule: WatchSchedule | null;
  /** The latest completed reconciliation; null before the first. */
  report: WatchReport | null;
  /** Reconciliations running now. */
  running: string[];
}

/** The watch at a glance: its schedule, the latest report, the runs in progress. */
export async function watchState(client: Client): Promise<WatchState> {
  const [schedule, report, running] = await Promise.all([
    describeWatch(client),
    latestWatchReport(client),
    runningWatchRuns(client),
  ]);
  return { schedule, report, running };
}
