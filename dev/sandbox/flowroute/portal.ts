import type { FlowrouteSandboxControls } from './app';
import type { StoreConfig } from './options';
import type { ReviewEngine } from './review';
import { assign, recordOf, unassign, type FlowrouteSandboxState, type SandboxNumber } from './store';

/** What changes outside the API (Flowroute's portal, a released number) and what the network reads of the account. */
export type PortalControls = Pick<FlowrouteSandboxControls, 'registeredCnam' | 'setNumberCnam' | 'releaseNumber'>;

function numberOf(state: FlowrouteSandboxState, id: string): SandboxNumber {
  const number = state.numbers.get(id);
  if (!number) throw new Error(`Flowroute sandbox: no number ${id} on the account`);
  return number;
}

/** Builds the controls over the live state; reads first decide the reviews that are due, as a request would. */
export function portalControls(
  state: FlowrouteSandboxState,
  config: StoreConfig,
  review: ReviewEngine,
): PortalControls {
  return {
    registeredCnam(e164) {
      review.advanceAll();
      const number = state.numbers.get(e164.replace(/^\+/, ''));
      if (!number || number.cnamId === null || number.assignedAtMs === null) return null;
      const rec = recordOf(state, number.cnamId);
      if (rec?.status !== 'approved' || rec.approvedAtMs === null) return null;
      return { name: rec.value, sinceMs: Math.max(number.assignedAtMs, rec.approvedAtMs) };
    },
    setNumberCnam(numberId, cnamId) {
      const number = numberOf(state, numberId);
      if (cnamId === null) return unassign(number);
      const rec = recordOf(state, cnamId);
      if (!rec) throw new Error(`Flowroute sandbox: no CNAM record ${cnamId}`);
      // The portal, unlike the API, takes a record that is not approved yet.
      assign(number, rec.id, config.now());
    },
    releaseNumber(numberId) {
      numberOf(state, numberId);
      state.numbers.delete(numberId);
    },
  };
}
