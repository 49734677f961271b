/**
 * Starting and following provisionings through a Temporal client. The CLI uses it today;
 * the HTTP API and the typed client build on the same functions.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import { provisionWorkflowId } from '../config/constants';
import type { FlowrouteProvisionInput, FlowrouteProvisionResult, ProvisionStatus, TwilioProvisionInput, TwilioProvisionResult } from '../core/workflow/messages';
import { getStatus } from '../core/workflow/messages';
import { CnamDisplayName, CnamPhoneNumber, CnamProvider, CnamStep } from '../core/workflow/search-attributes';
import { checkProvisionRequest, checkTwilioFields, describeProblems, type RequestProblem } from './request';

/** The request broke a rule before anything was started; `problems` names each field and rule. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(readonly problems: RequestProblem[]) {
    super(describeProblems(problems, '\n'));
  }
}

export interface StartedProvision {
  workflowId: string;
  runId: string | undefined;
  /** True when this number was already being provisioned: that run is returned, none is started. */
  alreadyRunning: boolean;
}

/** A provisioning to start: the provider and that provider's workflow input. */
export type ProvisionStart = ({ provider: 'flowroute' } & FlowrouteProvisionInput) | ({ provider: 'twilio' } & TwilioProvisionInput);

/** Validates every field, then starts the provider's workflow under the (first) number's workflow id. */
export async function startProvision(client: Client, taskQueue: string, start: ProvisionStart): Promise<StartedProvision> {
  const prepared = prepare(start);
  const workflowId = provisionWorkflowId(start.provider, prepared.e164);
  try {
    const handle = await client.workflow.start(prepared.workflowType, {
      taskQueue,
      workflowId,
      args: [prepared.input],
      staticSummary: prepared.summary,
      // Filterable from the first moment; the workflow keeps them current as it moves.
      typedSearchAttributes: [
        { key: CnamProvider, value: start.provider },
        { key: CnamPhoneNumber, value: prepared.e164 },
        { key: CnamDisplayName, value: prepared.displayName },
        { key: CnamStep, value: 'validating' },
      ],
    });
    return { workflowId, runId: handle.firstExecutionRunId, alreadyRunning: false };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, runId: undefined, alreadyRunning: true };
    throw err;
  }
}

/** Checks a start request without starting anything; throws InvalidRequestError naming every problem. */
export function validateProvisionStart(start: ProvisionStart): void {
  prepare(start);
}

function prepare(start: ProvisionStart) {
  if (start.provider === 'flowroute') {
    const { provider: _provider, ...input } = start;
    const check = checkProvisionRequest({ provider: 'flowroute', number: input.number, displayName: input.displayName });
    if (!check.ok) throw new InvalidRequestError(check.problems);
    const { e164, displayName } = check.value;
    return {
      e164,
      displayName,
      workflowType: 'provisionFlowrouteCnam',
      input: { ...input, number: e164, displayName } satisfies FlowrouteProvisionInput,
      summary: `Flowroute CNAM "${displayName}" for ${e164}`,
    };
  }
  const { provider: _provider, ...input } = start;
  const numbers = [input.phoneNumber, ...(input.additionalPhoneNumbers ?? [])];
  const problems: RequestProblem[] = checkTwilioFields(input);
  const checked = numbers.map((number) => checkProvisionRequest({ provider: 'twilio', number, displayName: input.displayName }));
  for (const check of checked) if (!check.ok) problems.push(...check.problems.filter((p) => !problems.some((q) => q.field === p.field && q.message === p.message)));
  if (problems.length > 0 || !checked[0]?.ok) throw new InvalidRequestError(problems);
  const e164s = checked.map((c) => (c.ok ? c.value.e164 : ''));
  const displayName = checked[0].value.displayName;
  return {
    e164: e164s[0]!,
    displayName,
    workflowType: 'provisionTwilioCnam',
    input: { ...input, phoneNumber: e164s[0]!, additionalPhoneNumbers: e164s.slice(1), displayName } satisfies TwilioProvisionInput,
    summary: `Twilio CNAM "${displayName}" for ${e164s.join(', ')}`,
  };
}

export type ExecutionState = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed-out' | 'continued-as-new' | 'unknown';

export interface ProvisionReport {
  workflowId: string;
  state: ExecutionState;
  /** The workflow's own status; null when it could not be asked (e.g. no worker is running). */
  status: ProvisionStatus | null;
  result: FlowrouteProvisionResult | TwilioProvisionResult | null;
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
  if (state === 'completed') report.result = (await handle.result()) as FlowrouteProvisionResult | TwilioProvisionResult;
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
