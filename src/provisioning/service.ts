/**
 * Starting and following provisionings through a Temporal client. The CLI uses it today;
 * the HTTP API and the typed client build on the same functions.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { provisionWorkflowId } from '../config/constants';
import type { FlowrouteProvisionInput, FlowrouteProvisionResult, ProvisionStatus } from '../workflows/messages';
import { getStatus } from '../workflows/messages';
import { checkProvisionRequest, type RequestProblem } from './request';

/** The request broke a rule before anything was started; `problems` names each field and rule. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(readonly problems: RequestProblem[]) {
    super(problems.map((p) => `${p.field} (${p.rule}): ${p.message}`).join('\n'));
  }
}

export interface StartedProvision {
  workflowId: string;
  runId: string | undefined;
  /** True when this number was already being provisioned: that run is returned, none is started. */
  alreadyRunning: boolean;
}

/** Validates, then starts `provisionFlowrouteCnam` under the number's workflow id. */
export async function startFlowrouteProvision(client: Client, taskQueue: string, input: FlowrouteProvisionInput): Promise<StartedProvision> {
  const check = checkProvisionRequest({ provider: 'flowroute', number: input.number, displayName: input.displayName });
  if (!check.ok) throw new InvalidRequestError(check.problems);
  const workflowId = provisionWorkflowId('flowroute', check.value.e164);
  const workflowInput: FlowrouteProvisionInput = { ...input, number: check.value.e164, displayName: check.value.displayName };
  try {
    const handle = await client.workflow.start('provisionFlowrouteCnam', {
      taskQueue,
      workflowId,
      args: [workflowInput],
      staticSummary: `Flowroute CNAM "${check.value.displayName}" for ${check.value.e164}`,
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, runId: undefined, alreadyRunning: true };
    throw err;
  }
}

export type ExecutionState = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed-out' | 'continued-as-new' | 'unknown';

export interface ProvisionReport {
  workflowId: string;
  state: ExecutionState;
  /** The workflow's own status; null when it could not be asked (e.g. no worker is running). */
  status: ProvisionStatus | null;
  result: FlowrouteProvisionResult | null;
  failure: string | null;
  startedAt: string | null;
  closedAt: string | null;
}

const STATES: Record<string, ExecutionState> = {
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
  const state = STATES[description.status.name] ?? 'unknown';
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
  if (state === 'completed') report.result = (await handle.result()) as FlowrouteProvisionResult;
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

/** The innermost cause's message: Temporal wraps activity failures in layers. */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (err instanceof WorkflowFailedError && current === err) return err.message;
  return current instanceof Error ? current.message : String(current);
}
