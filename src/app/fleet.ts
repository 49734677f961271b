/** Starting and following fleets through the Temporal client. */
import { nameIndexing } from '../temporal/data-converter';
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CnamFleetId } from '../core/workflow/search-attributes';
import {
  type FleetGroup,
  type FleetInput,
  type FleetNumber,
  type FleetResult,
  type FleetStatus,
  getFleetNumbers,
  getFleetStatus,
  type NumberState,
} from '../fleet/messages';
import { type FleetPlan, regroup, surveyRequest, withSurvey } from '../fleet/plan';
import { surveyFleet } from '../fleet/survey-workflow';
import { provisionFleet } from '../fleet/workflow';
import { providerTaskQueue } from '../core/workflow/activity-options';
import { type ExecutionState, STATE_BY_STATUS_NAME } from './describe';
import { failureMessage, InvalidRequestError } from './errors';

/** How long a plan waits for the providers' answers before it goes on without them. */
export const SURVEY_DEADLINE_MS = 120_000;

/**
 * The plan with what the providers already have (see withSurvey), read by a short workflow on the
 * worker, which holds the credentials. When no worker polls the queues, or the providers do not answer
 * by the deadline, the plan is returned as it was, saying the providers were not read: the fleet's
 * workflows look for existing records and Trust Products themselves before creating any.
 */
export async function surveyPlan(
  client: Client,
  taskQueue: string,
  plan: FleetPlan,
  options: { deadlineMs?: number } = {},
): Promise<FleetPlan> {
  if (plan.groups.length === 0) return plan;
  const request = surveyRequest(plan);
  const unread = (note: string): FleetPlan => ({ ...plan, providerState: { read: false, note } });
  const idle = await queuesWithoutWorkers(client, [
    { name: taskQueue, type: 'workflow' },
    ...request.providers.map((p) => ({ name: providerTaskQueue(taskQueue, p.provider), type: 'activity' as const })),
  ]);
  if (idle.length > 0) return unread(`providers not read: no worker polls ${idle.join(', ')}`);
  const deadlineMs = options.deadlineMs ?? SURVEY_DEADLINE_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const handle = await client.workflow.start(surveyFleet, {
      taskQueue,
      workflowId: `cnam-plan-${randomUUID()}`,
      args: [request],
      staticSummary: `Reads what the providers already have for fleet ${plan.fleetId}`,
    });
    const outcome = handle.result();
    // Still waiting when the deadline wins: its later rejection (terminated, connection closed) is not an error.
    outcome.catch(() => undefined);
    const result = await Promise.race([
      outcome,
      new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), deadlineMs);
      }),
    ]);
    if (result) return withSurvey(plan, result);
    await handle.terminate('the plan stopped waiting for the providers').catch(() => undefined);
    // Let the pending result settle (terminated) rather than leave it running after the caller moves on.
    await Promise.race([outcome.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    return unread(`providers not read: no answer within ${Math.round(deadlineMs / 1000)} s`);
  } catch (err) {
    return unread(`providers not read: ${failureMessage(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** The queues no worker has polled lately (the server forgets a poller after 5 minutes); none when the server cannot say. */
async function queuesWithoutWorkers(
  client: Client,
  queues: { name: string; type: 'workflow' | 'activity' }[],
): Promise<string[]> {
  const idle: string[] = [];
  for (const queue of queues) {
    try {
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: queue.name },
        taskQueueType:
          queue.type === 'workflow'
            ? temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
            : temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      });
      if ((pollers ?? []).length === 0) idle.push(queue.name);
    } catch {
      // e.g. the time-skipping test server, which does not implement it: try the survey anyway.
      return [];
    }
  }
  return idle;
}

/** Group workflows running at once unless the caller says otherwise. */
export const DEFAULT_MAX_CONCURRENT_GROUPS = 20;

export interface StartedFleet {
  fleetId: string;
  /** True when this fleet was already running: that run is reported, none is started. */
  alreadyRunning: boolean;
  /** Numbers earlier runs of this fleet settled (done or failed): left out of this run. */
  alreadyDone: number;
  /** False when nothing was left to do: every number was done by an earlier run. */
  started: boolean;
}

/**
 * Starts the fleet's workflow under its id. A fleet with that id already running is returned instead;
 * after a finished run only the numbers no run has settled (done or failed) start: none, nothing
 * starts. Failed numbers are run again by `retryFleet`.
 */
export async function applyFleet(
  client: Client,
  taskQueue: string,
  fullPlan: FleetPlan,
  options: { maxConcurrentGroups?: number; maxGroupsPerRun?: number } = {},
): Promise<StartedFleet> {
  const last = await lastResult(client, fullPlan.fleetId);
  const settled = last?.numbers.filter((n) => n.state === 'done' || n.state === 'failed') ?? [];
  const settledKeys = new Set(settled.map(key));
  // Numbers the plan found already showing their name: reported done, never run.
  const shown: FleetNumber[] = fullPlan.alreadyDone
    .filter((row) => !settledKeys.has(key(row)))
    .map((row) => ({
      number: row.number,
      line: row.line,
      provider: row.provider,
      workflowId: '',
      state: 'done',
      failure: null,
      note: `already done before this run: ${row.reason}`,
    }));
  const earlier = [...settled, ...shown];
  const plan = { ...fullPlan, groups: without(fullPlan.groups, new Set(earlier.map(key))) };
  const started = await startRun(
    client,
    taskQueue,
    plan.fleetId,
    plan.groups,
    // A first run whose every number is already done still starts, so the fleet has its report.
    { earlier, failedGroups: last?.failedGroups ?? [], startEmpty: last === null && shown.length > 0 },
    options,
  );
  return started.alreadyRunning ? started : { ...started, alreadyDone: settled.length };
}

/**
 * Runs again the failed numbers of a finished fleet (the others stay as they are). Throws
 * FleetNotRetryableError when it is running or there is nothing to retry, WorkflowNotFoundError when there is no such fleet.
 */
export async function retryFleet(
  client: Client,
  taskQueue: string,
  fleetId: string,
  options: { maxConcurrentGroups?: number; maxGroupsPerRun?: number } = {},
): Promise<StartedFleet & { retried: number }> {
  const last = await lastResult(client, fleetId, true);
  if (!last) throw new FleetNotRetryableError(fleetId, 'it is still running, or its last run did not complete');
  const failed = new Set(last.numbers.filter((n) => n.state === 'failed').map(key));
  if (failed.size === 0) throw new FleetNotRetryableError(fleetId, 'no number failed');
  const done = last.numbers.filter((n) => n.state === 'done');
  // A group can have failed in several runs: retry each number once, from the latest group that held it.
  const groups = without([...last.failedGroups].reverse(), new Set(done.map(key)));
  const unique = new Set<string>();
  const retry = groups.flatMap((g) => {
    const numbers = g.numbers.filter(
      (n) => failed.has(`${g.provider} ${n.number}`) && !unique.has(`${g.provider} ${n.number}`),
    );
    for (const n of numbers) unique.add(`${g.provider} ${n.number}`);
    if (numbers.length === 0) return [];
    return [numbers.length === g.numbers.length ? g : regroup(g, numbers)];
  });
  const started = await startRun(client, taskQueue, fleetId, retry, { earlier: done, failedGroups: [] }, options);
  return { ...started, retried: unique.size };
}

export class FleetNotRetryableError extends Error {
  override readonly name = 'FleetNotRetryableError';
  constructor(
    readonly fleetId: string,
    reason: string,
  ) {
    super(`Nothing to retry in ${fleetId}: ${reason}.`);
  }
}

async function startRun(
  client: Client,
  taskQueue: string,
  fleetId: string,
  groups: FleetGroup[],
  carried: { earlier: FleetNumber[]; failedGroups: FleetGroup[]; startEmpty?: boolean },
  options: { maxConcurrentGroups?: number; maxGroupsPerRun?: number },
): Promise<StartedFleet> {
  if (groups.length === 0 && !carried.startEmpty)
    return { fleetId, alreadyRunning: false, alreadyDone: carried.earlier.length, started: false };
  const input: FleetInput = {
    fleetId,
    groups,
    maxConcurrentGroups: options.maxConcurrentGroups ?? DEFAULT_MAX_CONCURRENT_GROUPS,
    ...(options.maxGroupsPerRun !== undefined && { maxGroupsPerRun: options.maxGroupsPerRun }),
    ...(carried.earlier.length > 0 && { earlier: carried.earlier }),
    ...(carried.failedGroups.length > 0 && { failedGroups: carried.failedGroups }),
  };
  requireStartable(input);
  const names = nameIndexing();
  try {
    await client.workflow.start(provisionFleet, {
      taskQueue,
      workflowId: fleetId,
      args: [input],
      staticSummary: `Fleet of ${groups.reduce((n, g) => n + g.numbers.length, 0)} numbers in ${groups.length} groups`,
      typedSearchAttributes: [{ key: CnamFleetId, value: fleetId }],
      // With the codec on, its groups keep the names out of search attributes (they pass this memo on).
      ...(names.memo && { memo: names.memo }),
    });
    return { fleetId, alreadyRunning: false, alreadyDone: carried.earlier.length, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { fleetId, alreadyRunning: true, alreadyDone: 0, started: false };
    throw err;
  }
}

const key = (n: { provider: string; number: string }) => `${n.provider} ${n.number}`;

/**
 * The largest fleet input started: Temporal refuses a payload over 2 MB (its default blob size limit),
 * and the fleet's result, which lists every number, must fit too.
 */
export const MAX_FLEET_INPUT_BYTES = 1_800_000;

/**
 * Throws InvalidRequestError when the fleet's input is too large to start: about 7,000 rows that each
 * need their own group (distinct names); rows sharing a name take far less.
 */
function requireStartable(input: FleetInput): void {
  const bytes = Buffer.byteLength(JSON.stringify(input));
  if (bytes <= MAX_FLEET_INPUT_BYTES) return;
  const rows = input.groups.reduce((n, g) => n + g.numbers.length, 0) + (input.earlier?.length ?? 0);
  const fits = Math.floor((rows * MAX_FLEET_INPUT_BYTES) / bytes);
  throw new InvalidRequestError([
    {
      field: 'rows',
      rule: 'fleet-size',
      message: `this fleet's workflow input would be ${(bytes / 1e6).toFixed(1)} MB, over the ${(MAX_FLEET_INPUT_BYTES / 1e6).toFixed(1)} MB a Temporal workflow input may take; split the file into fleets of at most about ${fits} rows (rows sharing a name take less room)`,
    },
  ]);
}

/**
 * The result of the fleet's last run when it completed; null when it is still running, or when there is
 * none (unless `mustExist`: then WorkflowNotFoundError).
 */
async function lastResult(client: Client, fleetId: string, mustExist = false): Promise<FleetResult | null> {
  const handle = client.workflow.getHandle<typeof provisionFleet>(fleetId);
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError && !mustExist) return null;
    throw err;
  });
  if (description?.status.name !== 'COMPLETED') return null;
  return handle.result();
}

/** Groups without the numbers in `settled`; a group left empty goes, a smaller one is rebuilt from its remaining numbers. */
function without(groups: FleetGroup[], settled: Set<string>): FleetGroup[] {
  if (settled.size === 0) return groups;
  return groups.flatMap((g) => {
    const numbers = g.numbers.filter((n) => !settled.has(`${g.provider} ${n.number}`));
    if (numbers.length === g.numbers.length) return [g];
    if (numbers.length === 0) return [];
    return [regroup(g, numbers)];
  });
}

export interface FleetReport {
  fleetId: string;
  state: ExecutionState;
  /** Counts and the summary; null when no worker answered (running) or the run did not complete. */
  status: FleetStatus | null;
  failure: string | null;
}

const QUERY_DEADLINE_MS = 5_000;

export async function describeFleet(client: Client, fleetId: string): Promise<FleetReport> {
  const handle = client.workflow.getHandle<typeof provisionFleet>(fleetId);
  const description = await handle.describe();
  const state = STATE_BY_STATUS_NAME[description.status.name] ?? 'unknown';
  if (state === 'completed') {
    const { numbers: _numbers, failedGroups: _failedGroups, ...status } = await handle.result();
    return { fleetId, state, status, failure: null };
  }
  if (state !== 'running') {
    const failure = await handle.result().then(() => 'unknown', failureMessage);
    return { fleetId, state, status: null, failure };
  }
  const status = await client
    .withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(getFleetStatus))
    .catch(() => null);
  return { fleetId, state, status, failure: null };
}

/** A page of the fleet's per-number report, optionally only the numbers in `state`. */
export async function fleetNumbers(
  client: Client,
  fleetId: string,
  page: { offset?: number; limit?: number; state?: NumberState } = {},
): Promise<{ numbers: FleetNumber[]; total: number }> {
  const handle = client.workflow.getHandle<typeof provisionFleet>(fleetId);
  const offset = page.offset ?? 0;
  const limit = page.limit ?? 1000;
  const { status } = await handle.describe();
  if (status.name === 'COMPLETED') {
    const all = (await handle.result()).numbers.filter((n) => !page.state || n.state === page.state);
    return { numbers: all.slice(offset, offset + limit), total: all.length };
  }
  return handle.query(getFleetNumbers, { offset, limit, ...(page.state && { state: page.state }) });
}
