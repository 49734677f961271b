/** Finding provisionings through visibility: workflow type and the Cnam* search attributes. */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { provisionWorkflowId } from '../config/constants';
import { normalizeUsLongCode } from '../core/phone';
import {
  CnamDisplayName,
  CnamPhoneNumber,
  CnamShowing,
  CnamStep,
  type SearchAttributeKey,
} from '../core/workflow/search-attributes';
import type { ProvisionStep } from '../core/workflow/messages';
import { PROVIDERS } from '../providers';
import { STATE_BY_STATUS_NAME, type ExecutionState } from './describe';
import { InvalidRequestError } from './errors';

export interface ProvisionFilterInput {
  provider?: string | undefined;
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
  provider: string | null;
  number: string | null;
  displayName: string | null;
  step: string | null;
  /** What CNAM dips found (`showing`, `not-showing`, `checking`, `unverified`); null before the `verifying` step. */
  showing: string | null;
  state: ExecutionState;
  startedAt: string;
  closedAt: string | null;
}

const VISIBILITY_STATUS: Record<ExecutionState, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
  'continued-as-new': 'ContinuedAsNew',
  unknown: 'Unspecified',
};

/** A string literal for a visibility query. */
export function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** The visibility query for a filter; the number is normalised (InvalidRequestError when it is not a US long code). */
export function provisionQuery(filter: ProvisionFilterInput): string {
  const providers = PROVIDERS.filter((p) => !filter.provider || p.id === filter.provider);
  // Renames, removals and adoptions run under the same ids as provisionings and are listed with them.
  const types = providers.flatMap((p) => [p.workflowType, ...Object.values(p.lifecycle.workflowTypes)]);
  const parts = [`WorkflowType IN (${types.map(quote).join(', ')})`];
  if (filter.number !== undefined) {
    const phone = normalizeUsLongCode(filter.number);
    if (!phone.ok) throw new InvalidRequestError([{ field: 'number', rule: phone.rule, message: phone.message }]);
    // The id covers the first number even before the search attribute is upserted; the attribute covers additional numbers.
    const ids = providers.map((p) => quote(provisionWorkflowId(p.id, phone.e164)));
    parts.push(`(${CnamPhoneNumber.name} = ${quote(phone.e164)} OR WorkflowId IN (${ids.join(', ')}))`);
  }
  if (filter.step) parts.push(`${CnamStep.name} = ${quote(filter.step)}`);
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
  const idNumber = /^cnam-[a-z]+-(\d+)$/.exec(info.workflowId)?.[1];
  return {
    workflowId: info.workflowId,
    provider:
      PROVIDERS.find(
        (p) => p.workflowType === info.type || Object.values(p.lifecycle.workflowTypes).includes(info.type),
      )?.id ?? null,
    number: info.typedSearchAttributes.get(CnamPhoneNumber) ?? (idNumber ? `+${idNumber}` : null),
    displayName: info.typedSearchAttributes.get(CnamDisplayName) ?? null,
    step: info.typedSearchAttributes.get(CnamStep) ?? null,
    showing: info.typedSearchAttributes.get(CnamShowing) ?? null,
    state: STATE_BY_STATUS_NAME[info.status.name] ?? 'unknown',
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString() ?? null,
  };
}

/** The running provisioning whose keyword search attribute `key` is `value` (e.g. the Trust Product under review), or null. */
export async function findRunningBy(client: Client, key: SearchAttributeKey, value: string): Promise<string | null> {
  const query = `${key.name} = ${quote(value)} AND ExecutionStatus = "Running"`;
  for await (const info of client.workflow.list({ query, pageSize: 2 })) return info.workflowId;
  return null;
}
