/**
 * "Every number we completed", through Temporal visibility: the latest completed run per workflow id
 * among the provisioning and lifecycle workflow types, each one's result read for its numbers, name
 * and resources; then, per number, the latest of those runs. A number whose latest run removed its
 * name is not watched.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { AnyProviderModule } from '../core/provider';
import { PROVIDERS } from '../providers';
import { quote } from '../app/list';
import type { WatchedNumber } from './drift';

/** A completed run's operation, by workflow type, from the registry. */
function typesByName(): Map<string, { provider: string; operation: string }> {
  const types = new Map<string, { provider: string; operation: string }>();
  for (const p of PROVIDERS as readonly AnyProviderModule[]) {
    types.set(p.workflowType, { provider: p.id, operation: 'provision' });
    for (const [operation, type] of Object.entries(p.lifecycle.workflowTypes))
      types.set(type, { provider: p.id, operation });
  }
  return types;
}

/** The visibility query for every completed provisioning, rename, removal and adoption. */
export function completedRunsQuery(): string {
  return `WorkflowType IN (${[...typesByName().keys()].map(quote).join(', ')}) AND ExecutionStatus = "Completed"`;
}

/** One number as a completed run's result states it; `displayName: null` when the run took the name off. */
export interface ResultNumber {
  number: string;
  displayName: string | null;
  resources: Record<string, string>;
}

type Json = Record<string, unknown>;

/** Results read at once: one history read each. */
const RESULT_READS_AT_ONCE = 20;

/** String fields that name a resource (`…Id`, `…Sid`): what the providers' results and `resources` hold. */
function resourceFields(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(
    Object.entries(value as Json).filter(
      (e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '' && /(Id|Sid)$/.test(e[0]),
    ),
  );
}

/**
 * The numbers a completed run's result speaks of. A rename's, adoption's or removal's result has one
 * `number` and `resources`; a provisioning's lists `numbers` (a fleet group's several), each with
 * `number` or `phoneNumber` and, where one can fail alone, a `state`: a failed one is left out.
 */
export function numbersOfResult(operation: string, result: unknown): ResultNumber[] {
  if (typeof result !== 'object' || result === null) return [];
  const r = result as Json;
  if (operation !== 'provision') {
    if (typeof r.number !== 'string') return [];
    const displayName = operation === 'remove' || typeof r.displayName !== 'string' ? null : r.displayName;
    return [{ number: r.number, displayName, resources: resourceFields(r.resources) }];
  }
  if (typeof r.displayName !== 'string' || !Array.isArray(r.numbers)) return [];
  const shared = resourceFields(r);
  return (r.numbers as Json[]).flatMap((n) => {
    const number = typeof n.number === 'string' ? n.number : typeof n.phoneNumber === 'string' ? n.phoneNumber : null;
    if (!number || n.state === 'failed') return [];
    return [{ number, displayName: r.displayName as string, resources: { ...shared, ...resourceFields(n) } }];
  });
}

/**
 * Every number whose latest completed run left it with a name, with what that run recorded. Pages
 * through visibility; `onPage` is called as it goes (the activity heartbeats there).
 */
export async function listWatchedNumbers(
  client: Client,
  onPage: (seen: number) => void = () => undefined,
): Promise<WatchedNumber[]> {
  const types = typesByName();
  // The latest completed run per workflow id: earlier runs under an id are superseded by it.
  const latest = new Map<string, WorkflowExecutionInfo>();
  let seen = 0;
  for await (const info of client.workflow.list({ query: completedRunsQuery(), pageSize: 500 })) {
    const before = latest.get(info.workflowId);
    if (!before || closed(info) > closed(before)) latest.set(info.workflowId, info);
    if (++seen % 500 === 0) onPage(seen);
  }
  // Per number, the latest of those runs: a fleet group's result and a later rename of one of its numbers both speak of it.
  const runs = [...latest.values()].filter((info) => types.has(info.type));
  const byNumber = new Map<string, WatchedNumber | { removed: true; closedAt: string }>();
  for (let i = 0; i < runs.length; i += RESULT_READS_AT_ONCE) {
    const chunk = runs.slice(i, i + RESULT_READS_AT_ONCE);
    const results = await Promise.all(
      chunk.map((info) => client.workflow.getHandle(info.workflowId, info.runId, { followRuns: false }).result()),
    );
    for (const [j, info] of chunk.entries()) {
      const type = types.get(info.type)!;
      const closedAt = new Date(closed(info)).toISOString();
      for (const n of numbersOfResult(type.operation, results[j])) {
        const key = `${type.provider} ${n.number}`;
        const before = byNumber.get(key);
        if (before && before.closedAt >= closedAt) continue;
        byNumber.set(
          key,
          n.displayName === null
            ? { removed: true, closedAt }
            : {
                provider: type.provider,
                number: n.number,
                displayName: n.displayName,
                resources: n.resources,
                workflowId: info.workflowId,
                closedAt,
              },
        );
      }
    }
    onPage(seen + i + chunk.length);
  }
  return [...byNumber.values()]
    .filter((n): n is WatchedNumber => !('removed' in n))
    .sort((a, b) => a.provider.localeCompare(b.provider) || a.number.localeCompare(b.number));
}

function closed(info: WorkflowExecutionInfo): number {
  return (info.closeTime ?? info.startTime).getTime();
}
