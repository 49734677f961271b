import { mapProviderErrors } from '../../core/provider-failures';
import type { NumberCheck, RepairPlan, WatchedNumber } from '../../watch/drift';
import { requireFlowroute, toActivityFailure } from './activities';
import type { CnamRecord, FlowrouteClient } from './client';
import { FlowrouteApiError } from './errors';

export function createFlowrouteWatchActivities({ flowroute }: { flowroute: FlowrouteClient | null }) {
  const client = (): FlowrouteClient => requireFlowroute(flowroute);
  const record = (id: string) => read(() => client().getCnam(id));

  return {
    /** Whether each number still carries the record its last run gave it, and what it carries if not. */
    async checkFlowrouteDrift({ numbers }: { numbers: WatchedNumber[] }): Promise<{ checks: NumberCheck[] }> {
      const records = new Map<string, CnamRecord | null>();
      for (const id of new Set(numbers.map((n) => n.resources.cnamRecordId ?? ''))) {
        if (id) records.set(id, await record(id));
      }
      const checks: NumberCheck[] = [];
      for (const watched of numbers) {
        const recordId = watched.resources.cnamRecordId ?? '';
        const numberId = watched.resources.numberId ?? watched.number.replace(/^\+/, '');
        const ours = records.get(recordId) ?? null;
        if (ours?.numberIds.includes(numberId)) {
          checks.push(
            sameName(ours.value, watched.displayName)
              ? { number: watched.number, drift: null, repair: null }
              : drifted(watched, 'name-changed', `record ${ours.id} now reads "${ours.value}"`),
          );
          continue;
        }
        const number = await read(() => client().getNumber(numberId));
        const shown = number?.cnamPresetId ?? null;
        if (!number) {
          checks.push({
            number: watched.number,
            drift: { kind: 'number-gone', detail: `${watched.number} is no longer on the Flowroute account` },
            repair: null,
            noRepair: 'report only: the number is no longer on the account',
          });
        } else if (shown === null) {
          const why = ours
            ? `record ${recordId} still exists`
            : recordId
              ? `record ${recordId} no longer exists`
              : 'no record was recorded';
          checks.push(drifted(watched, 'name-removed', `${watched.number} carries no CNAM (${why})`));
        } else if (shown === recordId) {
          // The record's list lagged behind the number's own document: the number carries it.
          checks.push({ number: watched.number, drift: null, repair: null });
        } else {
          const other = records.get(shown) ?? (await record(shown));
          records.set(shown, other);
          const value = other ? ` ("${other.value}")` : '';
          checks.push(
            other && sameName(other.value, watched.displayName)
              ? { number: watched.number, drift: null, repair: null }
              : drifted(
                  watched,
                  'name-changed',
                  `${watched.number} carries record ${shown}${value}, not ${recordId || 'ours'}`,
                ),
          );
        }
      }
      return { checks };
    },
  };
}

/** Flowroute upper-cases values: the same name in any case is the same name. */
function sameName(value: string, displayName: string): boolean {
  return value.trim().toUpperCase() === displayName.trim().toUpperCase();
}

/** A drift a new provisioning of the same name puts right: it finds (or creates) the record and assigns it. */
function drifted(watched: WatchedNumber, kind: 'name-changed' | 'name-removed', detail: string): NumberCheck {
  const repair: RepairPlan = {
    operation: 'provision',
    request: { number: watched.number, displayName: watched.displayName },
  };
  return { number: watched.number, drift: { kind, detail }, repair };
}

/** The call's value, or null when Flowroute answers 404; other errors as activity failures (retried or not). */
async function read<T>(call: () => Promise<T>): Promise<T | null> {
  return mapProviderErrors(toActivityFailure, async () => {
    try {
      return await call();
    } catch (err) {
      if (err instanceof FlowrouteApiError && err.status === 404) return null;
      throw err;
    }
  });
}
