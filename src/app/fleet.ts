/** Starting and following fleets through the Temporal client. */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { CnamFleetId } from '../core/workflow/search-attributes';
import {
  type FleetGroup,
  type FleetNumber,
  type FleetResult,
  type FleetStatus,
  getFleetNumbers,
  getFleetStatus,
  type NumberState,
} from '../fleet/messages';
import { type FleetPlan, regroup } from '../fleet/plan';
import { provisionFleet } from '../fleet/workflow';
import { type ExecutionState, STATE_BY_STATUS_NAME } from './describe';
import { failureMessage } from './errors';

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
  const earlier = last?.numbers.filter((n) => n.state === 'done' || n.state === 'failed') ?? [];
  const plan = { ...fullPlan, groups: without(fullPlan.groups, new Set(earlier.map(key))) };
  return startRun(
    client,
    taskQueue,
    plan.fleetId,
    plan.groups,
    { earlier, failedGroups: last?.failedGroups ?? [] },
    options,
  );
}

/** Runs again the failed numbers of a finished fleet (the others stay as they are). Throws FleetNotRetryableError when it is running or there is nothing to retry. */
export async function retryFleet(
  client: Client,
  taskQueue: string,
  fleetId: string,
  options: { maxConcurrentGroups?: number; maxGroupsPerRun?: number } = {},
): Promise<StartedFleet & { retried: number }> {
  const last = await lastResult(client, fleetId);
  if (!last) throw new FleetNotRetryableError(fleetId, 'it is still running, or it has no completed run');
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
  carried: { earlier: FleetNumber[]; failedGroups: FleetGroup[] },
  options: { maxConcurrentGroups?: number; maxGroupsPerRun?: number },
): Promise<StartedFleet> {
  if (groups.length === 0)
    return { fleetId, alreadyRunning: false, alreadyDone: carried.earlier.length, started: false };
  try {
    await client.workflow.start(provisionFleet, {
      taskQueue,
      workflowId: fleetId,
      args: [
        {
          fleetId,
          groups,
          maxConcurrentGroups: options.maxConcurrentGroups ?? DEFAULT_MAX_CONCURRENT_GROUPS,
          ...(options.maxGroupsPerRun !== undefined && { maxGroupsPerRun: options.maxGroupsPerRun }),
          ...(carried.earlier.length > 0 && { earlier: carried.earlier }),
          ...(carried.failedGroups.length > 0 && { failedGroups: carried.failedGroups }),
        },
      ],
      staticSummary: `Fleet of ${groups.reduce((n, g) => n + g.numbers.length, 0)} numbers in ${groups.length} groups`,
      typedSearchAttributes: [{ key: CnamFleetId, value: fleetId }],
    });
    return { fleetId, alreadyRunning: false, alreadyDone: carried.earlier.length, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { fleetId, alreadyRunning: true, alreadyDone: 0, started: false };
    throw err;
  }
}

const key = (n: { provider: string; number: string }) => `${n.provider} ${n.number}`;

/** The result of the fleet's last run when it completed; null when there is none or it is still running. */
async function lastResult(client: Client, fleetId: string): Promise<FleetResult | null> {
  const handle = client.workflow.getHandle<typeof provisionFleet>(fleetId);
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return null;
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
