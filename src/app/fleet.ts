/** Starting and following fleets through the Temporal client. */
import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { CnamFleetId } from '../core/workflow/search-attributes';
import {
  type FleetNumber,
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
  /** Numbers a finished run of this fleet already provisioned: left out of this run. */
  alreadyDone: number;
  /** False when nothing was left to do: every number was done by an earlier run. */
  started: boolean;
}

/**
 * Starts the fleet's workflow under its id. A fleet with that id already running is returned instead;
 * after a finished run only the numbers it did not provision are started (none: nothing starts).
 */
export async function applyFleet(
  client: Client,
  taskQueue: string,
  fullPlan: FleetPlan,
  options: { maxConcurrentGroups?: number } = {},
): Promise<StartedFleet> {
  const doneEarlier = await numbersDoneBefore(client, fullPlan.fleetId);
  const done = new Set(doneEarlier.map((n) => `${n.provider} ${n.number}`));
  const plan = withoutDone(fullPlan, done);
  if (plan.groups.length === 0)
    return { fleetId: plan.fleetId, alreadyRunning: false, alreadyDone: done.size, started: false };
  try {
    await client.workflow.start(provisionFleet, {
      taskQueue,
      workflowId: plan.fleetId,
      args: [
        {
          fleetId: plan.fleetId,
          groups: plan.groups,
          maxConcurrentGroups: options.maxConcurrentGroups ?? DEFAULT_MAX_CONCURRENT_GROUPS,
          ...(doneEarlier.length > 0 && { doneEarlier }),
        },
      ],
      staticSummary: `Fleet of ${plan.groups.reduce((n, g) => n + g.numbers.length, 0)} numbers in ${plan.groups.length} groups`,
      typedSearchAttributes: [{ key: CnamFleetId, value: plan.fleetId }],
    });
    return { fleetId: plan.fleetId, alreadyRunning: false, alreadyDone: done.size, started: true };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { fleetId: plan.fleetId, alreadyRunning: true, alreadyDone: 0, started: false };
    throw err;
  }
}

/** The numbers this fleet's completed runs provisioned (each run carries the earlier ones); empty when there is none. */
async function numbersDoneBefore(client: Client, fleetId: string): Promise<FleetNumber[]> {
  const handle = client.workflow.getHandle<typeof provisionFleet>(fleetId);
  const description = await handle.describe().catch((err: unknown) => {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  });
  if (description?.status.name !== 'COMPLETED') return [];
  return (await handle.result()).numbers.filter((n) => n.state === 'done');
}

/** The plan without the numbers already done; a group left empty goes, a smaller one starts from its first remaining number. */
function withoutDone(plan: FleetPlan, done: Set<string>): FleetPlan {
  if (done.size === 0) return plan;
  const groups = plan.groups.flatMap((g) => {
    const numbers = g.numbers.filter((n) => !done.has(`${g.provider} ${n.number}`));
    if (numbers.length === g.numbers.length) return [g];
    if (numbers.length === 0) return [];
    return [regroup(g, numbers)];
  });
  return { ...plan, groups };
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
  if (state === 'completed') return { fleetId, state, status: await handle.result(), failure: null };
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
