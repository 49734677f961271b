/** Everything known about one provisioning: the execution from the server, the status from the workflow. */
import type { Client } from '@temporalio/client';
import { getStatus, type ProvisionStatus } from '../core/workflow/messages';
import type { LifecycleResult } from '../core/lifecycle';
import type { ProviderModule } from '../core/provider';
import type { Provider } from '../providers';
import { failureMessage } from './errors';
import type { EXECUTION_STATES } from './schemas';

/** What a completed run returns: one of the providers' provisioning results, or a rename's, removal's or adoption's. */
export type ProvisionResult =
  | (Provider extends infer P ? (P extends ProviderModule<string, infer _Input, infer R> ? R : never) : never)
  | LifecycleResult;

export type ExecutionState = (typeof EXECUTION_STATES)[number] | 'unknown';

export interface ProvisionReport {
  workflowId: string;
  state: ExecutionState;
  /** The workflow's own status; null when it could not be asked (e.g. no worker is running). */
  status: ProvisionStatus | null;
  /** The provider workflow's result (see each provider's contract) once completed. */
  result: ProvisionResult | null;
  failure: string | null;
  startedAt: string | null;
  closedAt: string | null;
}

/** Temporal's execution status names as our states. */
export const STATE_BY_STATUS_NAME: Record<string, ExecutionState> = {
  RUNNING: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed-out',
  CONTINUED_AS_NEW: 'continued-as-new',
};

const QUERY_DEADLINE_MS = 5_000;

/** Everything known about one provisioning: execution state, the status query, result or failure. */
export async function describeProvision(client: Client, workflowId: string): Promise<ProvisionReport> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const state = STATE_BY_STATUS_NAME[description.status.name] ?? 'unknown';
  const report: ProvisionReport = {
    workflowId,
    state,
    status: null,
    result: null,
    failure: null,
    startedAt: description.startTime.toISOString(),
    closedAt: description.closeTime?.toISOString() ?? null,
  };
  try {
    // Bounded: with no worker running, a query would otherwise wait for one.
    report.status = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(getStatus));
  } catch {
    // A query needs a worker; state, result and failure below still come from the server.
  }
  if (state === 'completed') report.result = (await handle.result()) as ProvisionResult;
  if (state !== 'running' && state !== 'completed') report.failure = await closedFailure(handle.result());
  return report;
}

async function closedFailure(result: Promise<unknown>): Promise<string> {
  try {
    await result;
    return 'unknown';
  } catch (err) {
    return failureMessage(err);
  }
}

/** Waits for the end: the provider workflow's result, or throws its failure (WorkflowFailedError; see failureMessage). */
export async function provisionResult(client: Client, workflowId: string): Promise<ProvisionResult> {
  return (await client.workflow.getHandle(workflowId).result()) as ProvisionResult;
}
