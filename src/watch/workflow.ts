/**
 * The reconciliation (`cnam watch`, run by a Schedule): every number we completed is read back at its
 * provider; what no longer shows what we provisioned is drift, reported in the result, the `CnamDrift`
 * search attribute and the Web UI, optionally dipped and optionally repaired by starting the number's
 * provisioning (or rename) again. Reads only, except the repairs it starts.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { provisionWorkflowId } from '../config/constants';
import { NON_RETRYABLE_FAILURES } from '../core/failures';
import type { CoreActivities } from '../core/validation-activities';
import { classifyDip } from '../core/verification';
import { providerTaskQueue } from '../core/workflow/activity-options';
import { notify } from '../core/workflow/notify';
import { CnamDrift } from '../core/workflow/search-attributes';
import type { WatchActivities } from './activities';
import type { DriftCheck, DriftItem, NumberCheck, ReconcileInput, ReconcileResult, WatchedNumber } from './drift';
import { driftCheckActivity, summarizeDrift } from './drift';

/** Numbers per provider read: one activity, a few calls per number. */
const BATCH = 50;
/** Dips in flight at once (each one billed Lookup request). */
const DIPS_AT_ONCE = 10;

const retry = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '5m',
  nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
} as const;

// Visibility pages and one result read per run: minutes for a large account, heartbeating per page.
const { listWatchedCnams } = proxyActivities<WatchActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '2m',
  retry,
});
const { startCnamRepair } = proxyActivities<WatchActivities>({ startToCloseTimeout: '1m', retry });
// A billed dip: a few attempts, then the number is noted as not dipped.
const { dipCallerName } = proxyActivities<Pick<CoreActivities, 'dipCallerName'>>({
  startToCloseTimeout: '30s',
  retry: { ...retry, maximumAttempts: 3 },
});

/** A provider's drift check on its own queue; a provider down for half an hour leaves its numbers unchecked, noted. */
function driftCheck(providerId: string, providerLabel: string): DriftCheck {
  const activities = proxyActivities<Record<string, DriftCheck>>({
    startToCloseTimeout: '5m',
    scheduleToCloseTimeout: '30m',
    taskQueue: providerTaskQueue(workflowInfo().taskQueue, providerId),
    retry,
  });
  return activities[driftCheckActivity(providerLabel)]!;
}

export async function reconcileCnams(input: ReconcileInput = {}): Promise<ReconcileResult> {
  const repair = input.repair === true;
  const dip = input.dip === true;
  const checkedAt = new Date().toISOString();
  setCurrentDetails('Listing every number we completed…');
  const { numbers, providers } = await listWatchedCnams({});
  setCurrentDetails(`Reading ${numbers.length} numbers at their providers…`);

  const notes: string[] = [];
  const checked: { watched: WatchedNumber; check: NumberCheck }[] = [];
  await Promise.all(
    providers.map(async ({ id, label }) => {
      const mine = numbers.filter((n) => n.provider === id);
      const check = driftCheck(id, label);
      for (let i = 0; i < mine.length; i += BATCH) {
        const batch = mine.slice(i, i + BATCH);
        try {
          const { checks } = await check({ numbers: batch });
          for (const [j, watched] of batch.entries()) checked.push({ watched, check: checks[j]! });
        } catch (err) {
          notes.push(`${batch.length} ${label} number(s) not checked: ${reason(err)}`);
        }
      }
    }),
  );

  // Batches finish in any order: report by provider and number.
  checked.sort((a, b) => key(a.watched).localeCompare(key(b.watched)));
  const found = checked.map(({ check }) => check.drift);
  if (dip) {
    const toDip = checked.flatMap((c, i) => (c.check.drift ? [] : [i]));
    for (let i = 0; i < toDip.length; i += DIPS_AT_ONCE) {
      setCurrentDetails(`Dipping ${toDip.length} numbers whose provider shows the name: ${i} done…`);
      await Promise.all(
        toDip.slice(i, i + DIPS_AT_ONCE).map(async (j) => {
          found[j] = await dipDrift(checked[j]!.watched, notes);
        }),
      );
    }
  }

  const drift: DriftItem[] = [];
  for (const [i, { watched, check }] of checked.entries()) {
    const kind = found[i];
    if (!kind) continue;
    const item: DriftItem = { ...pick(watched), kind: kind.kind, detail: kind.detail, repair: null };
    if (repair && check.repair && check.drift)
      item.repair = await startCnamRepair({
        provider: watched.provider,
        number: watched.number,
        plan: check.repair,
        taskQueue: workflowInfo().taskQueue,
      });
    else if (repair)
      item.repair = {
        workflowId: provisionWorkflowId(watched.provider, watched.number),
        started: false,
        detail: check.drift
          ? (check.noRepair ?? 'report only')
          : 'report only: the provider shows the name; nothing to start',
      };
    drift.push(item);
  }
  const ok = checked.length - drift.length;

  const result: ReconcileResult = { checkedAt, numbersChecked: checked.length, drift, ok, repair, dip, notes };
  upsertSearchAttributes([{ key: CnamDrift, value: drift.length > 0 ? 'found' : 'none' }]);
  setCurrentDetails(summarizeDrift(result));
  if (drift.length > 0) await notify({ type: 'cnam.drift', data: { drift } });
  return result;
}

/** With `dip`, a number whose provider state is right: does the network show its name? */
async function dipDrift(watched: WatchedNumber, notes: string[]): Promise<NumberCheck['drift']> {
  try {
    const answer = await dipCallerName({ e164: watched.number });
    if (!answer.configured) {
      if (!notes.some((n) => n.startsWith('No dips:'))) notes.push(`No dips: ${answer.detail}`);
      return null;
    }
    const seen = classifyDip(answer, watched.displayName);
    if (seen === 'match') return null;
    if (seen === 'error') {
      notes.push(`${watched.number} not dipped: Lookup answered error ${answer.errorCode}`);
      return null;
    }
    const shown = answer.callerName?.trim() ? `"${answer.callerName.trim()}"` : 'no name';
    const what = { default: "the carrier's default", other: "someone else's name", 'no-data': 'no CNAM data' }[seen];
    return { kind: 'not-showing', detail: `a CNAM dip shows ${shown} (${what}), not "${watched.displayName}"` };
  } catch (err) {
    notes.push(`${watched.number} not dipped: ${reason(err)}`);
    return null;
  }
}

function key({ provider, number }: WatchedNumber): string {
  return `${provider} ${number}`;
}

function pick({ provider, number, displayName }: WatchedNumber) {
  return { provider, number, displayName };
}

function reason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure || cause instanceof Error) return cause.message;
  return String(cause);
}
