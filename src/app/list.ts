/**
 * Finding and steering provisionings through a Temporal client: listing through visibility
 * (workflow type and the Cnam* search attributes), cancelling, and the `checkNow` signal.
 */
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { normalizeUsLongCode } from '../core/phone';
import { provisionWorkflowId, type ProviderName } from '../config/constants';
import { checkNow, getStatus, type ProvisionStep } from '../core/workflow/messages';
import { SEARCH_ATTRIBUTES } from '../core/workflow/search-attributes';
import { InvalidRequestError, type ExecutionState } from './start';

export const WORKFLOW_TYPES: Record<ProviderName, string> = { flowroute: 'provisionFlowrouteCnam', twilio: 'provisionTwilioCnam' };

export interface ProvisionFilterInput {
  provider?: ProviderName | undefined;
  /** Any common US format; matched as E.164. */
  number?: string | undefined;
  step?: ProvisionStep | undefined;
  state?: ExecutionState | undefined;
  /** At most this many, newest first. Default 100. */
  pageSize?: number | undefined;
}

/** One provisioning as visibility reports it; `step` and `displayName` come from search attributes. */
export interface ProvisionSummary {
  workflowId: string;
  provider: ProviderName | null;
  number: string | null;
  displayName: string | null;
  step: string | null;
  state: ExecutionState;
  startedAt: string;
  closedAt: string | null;
}

/** The provisioning is closed, so it can no longer be cancelled or signalled. */
export class ProvisionNotRunningError extends Error {
  override readonly name = 'ProvisionNotRunningError';
  constructor(readonly workflowId: string, readonly state: ExecutionState) {
    super(`${workflowId} is ${state}, not running`);
  }
}

const VISIBILITY_STATUS: Record<ExecutionState, string> = {
  running: 'Running', completed: 'Completed', failed: 'Failed', cancelled: 'Canceled',
  terminated: 'Terminated', 'timed-out': 'TimedOut', 'continued-as-new': 'ContinuedAsNew', unknown: 'Unspecified',
};
const STATE_BY_NAME: Record<string, ExecutionState> = {
  RUNNING: 'running', COMPLETED: 'completed', FAILED: 'failed', CANCELLED: 'cancelled',
  TERMINATED: 'terminated', TIMED_OUT: 'timed-out', CONTINUED_AS_NEW: 'continued-as-new',
};
const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);
const KEYS = { number: keyword(SEARCH_ATTRIBUTES.phoneNumber), step: keyword(SEARCH_ATTRIBUTES.step), displayName: defineSearchAttributeKey(SEARCH_ATTRIBUTES.displayName, SearchAttributeType.TEXT) };

/** A string literal for a visibility query. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The visibility query for a filter; the number is normalised (InvalidRequestError when it is not a US long code). */
export function provisionQuery(filter: ProvisionFilterInput): string {
  const types = filter.provider ? [WORKFLOW_TYPES[filter.provider]] : Object.values(WORKFLOW_TYPES);
  const parts = [`WorkflowType IN (${types.map(quote).join(', ')})`];
  if (filter.number !== undefined) {
    const phone = normalizeUsLongCode(filter.number);
    if (!phone.ok) throw new InvalidRequestError([{ field: 'number', rule: phone.rule, message: phone.message }]);
    // The id covers the first number even before the search attribute is upserted; the attribute covers additional numbers.
    const ids = (filter.provider ? [filter.provider] : (['flowroute', 'twilio'] as const)).map((p) => quote(provisionWorkflowId(p, phone.e164)));
    parts.push(`(${SEARCH_ATTRIBUTES.phoneNumber} = ${quote(phone.e164)} OR WorkflowId IN (${ids.join(', ')}))`);
  }
  if (filter.step) parts.push(`${SEARCH_ATTRIBUTES.step} = ${quote(filter.step)}`);
  if (filter.state) parts.push(`ExecutionStatus = ${quote(VISIBILITY_STATUS[filter.state])}`);
  return parts.join(' AND ');
}

/** Provisionings matching every given filter, newest first (visibility is eventually consistent). */
export async function listProvisions(client: Client, filter: ProvisionFilterInput = {}): Promise<ProvisionSummary[]> {
  const limit = filter.pageSize ?? 100;
  const found: ProvisionSummary[] = [];
  for await (const info of client.workflow.list({ query: provisionQuery(filter), pageSize: limit })) {
    found.push(summarize(info));
    if (found.length >= limit) break;
  }
  return found;
}

function summarize(info: WorkflowExecutionInfo): ProvisionSummary {
  const provider = (Object.keys(WORKFLOW_TYPES) as ProviderName[]).find((p) => WORKFLOW_TYPES[p] === info.type) ?? null;
  const idNumber = /^cnam-[a-z]+-(\d+)$/.exec(info.workflowId)?.[1];
  return {
    workflowId: info.workflowId,
    provider,
    number: info.typedSearchAttributes.get(KEYS.number) ?? (idNumber ? `+${idNumber}` : null),
    displayName: info.typedSearchAttributes.get(KEYS.displayName) ?? null,
    step: info.typedSearchAttributes.get(KEYS.step) ?? null,
    state: STATE_BY_NAME[info.status.name] ?? 'unknown',
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString() ?? null,
  };
}

/** Requests cancellation; the workflow ends `cancelled` once it has acted on it. Throws WorkflowNotFoundError or ProvisionNotRunningError. */
export async function cancelProvision(client: Client, workflowId: string): Promise<{ workflowId: string; cancelRequested: true }> {
  const handle = await runningHandle(client, workflowId);
  await handle.cancel();
  return { workflowId, cancelRequested: true };
}

/** Asks a waiting provisioning to check with the provider now. Throws WorkflowNotFoundError or ProvisionNotRunningError. */
export async function checkNowProvision(client: Client, workflowId: string): Promise<{ workflowId: string; signalled: true }> {
  const handle = await runningHandle(client, workflowId);
  await handle.signal(checkNow);
  return { workflowId, signalled: true };
}

const FALLBACK_SCAN_LIMIT = 50;
const QUERY_DEADLINE_MS = 3_000;

/** How a Trust Product's workflow was found; `attributeError` when the search attribute query failed. */
export interface TrustProductMatch {
  workflowId: string | null;
  via: 'search-attribute' | 'status-scan';
  attributeError?: string;
}

/**
 * The running Twilio provisioning whose Trust Product is `trustProductSid`, by its search attribute;
 * when that finds nothing (attribute not registered or not yet visible), asks up to 50 running
 * Twilio workflows for their `getStatus().recordId`.
 */
export async function findRunningByTrustProduct(client: Client, trustProductSid: string): Promise<TrustProductMatch> {
  let attributeError: string | undefined;
  try {
    const query = `${SEARCH_ATTRIBUTES.trustProductSid} = ${quote(trustProductSid)} AND ExecutionStatus = "Running"`;
    for await (const info of client.workflow.list({ query, pageSize: 2 })) return { workflowId: info.workflowId, via: 'search-attribute' };
  } catch (err) {
    attributeError = err instanceof Error ? err.message : String(err);
  }
  const running = `WorkflowType = ${quote(WORKFLOW_TYPES.twilio)} AND ExecutionStatus = "Running"`;
  let scanned = 0;
  let workflowId: string | null = null;
  for await (const info of client.workflow.list({ query: running, pageSize: FALLBACK_SCAN_LIMIT })) {
    if (++scanned > FALLBACK_SCAN_LIMIT) break;
    const handle = client.workflow.getHandle(info.workflowId);
    const status = await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => handle.query(getStatus)).catch(() => null);
    if (status?.recordId === trustProductSid) {
      workflowId = info.workflowId;
      break;
    }
  }
  return { workflowId, via: 'status-scan', ...(attributeError && { attributeError }) };
}

// Cancelling or signalling a closed run fails with a not-found error; describe first to say why.
async function runningHandle(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  const { status } = await handle.describe();
  if (status.name !== 'RUNNING') throw new ProvisionNotRunningError(workflowId, STATE_BY_NAME[status.name] ?? 'unknown');
  return handle;
}

export { WorkflowNotFoundError };
