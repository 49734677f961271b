import type { TwilioSandboxControls } from './admin';
import { badRequest, notFound } from './errors';
import { E164, mergeLookupSettings } from './lookup-settings';
import type { TrustHubStatus } from './options';
import type { ReviewEngine } from './review';
import type { PhoneNumber, TwilioSandboxState } from './store';

/** The controls for changes made outside the API ("someone changed it in the console") and for Lookup's answers. */
export type DriftControls = Pick<
  TwilioSandboxControls,
  'setTrustProductStatus' | 'configureNumber' | 'releaseNumber' | 'lookup' | 'setLookupNumber' | 'clearLookupNumber'
>;

const STATUSES: readonly string[] = ['draft', 'pending-review', 'in-review', 'twilio-approved', 'twilio-rejected'];

/** The account's number with this E.164, 404 / 20404 otherwise. */
function numberOf(state: TwilioSandboxState, e164: string): PhoneNumber {
  const pn = [...state.phoneNumbers.values()].find((n) => n.phoneNumber === e164);
  if (!pn) throw notFound(`/__sandbox/numbers/${e164}`);
  return pn;
}

function checkE164(e164: string): string {
  if (!E164.test(e164)) throw badRequest(`${e164} is not an E.164 number such as +12065550100`);
  return e164;
}

/** `validUntil` as ISO-8601 (null clears it); 400 / 20001 for anything else. */
function readValidUntil(v: unknown): number | null {
  if (v === null) return null;
  const ms = typeof v === 'string' ? Date.parse(v) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest('validUntil must be an ISO-8601 date-time or null');
  return ms;
}

/** Builds the drift and Lookup controls over the live state; they throw Twilio errors the admin routes pass on. */
export function driftControls(state: TwilioSandboxState, review: ReviewEngine): DriftControls {
  return {
    setTrustProductStatus(sid, status, validUntil) {
      if (!STATUSES.includes(status)) throw badRequest(`status must be one of ${STATUSES.join(', ')}`);
      const until = validUntil === undefined ? undefined : readValidUntil(validUntil);
      const tp = review.force(sid, status as TrustHubStatus);
      if (until !== undefined) tp.validUntil = until;
    },
    configureNumber(e164, { voiceCallerIdLookupSupported }) {
      if (typeof voiceCallerIdLookupSupported !== 'boolean')
        throw badRequest('body must be {"voiceCallerIdLookupSupported": true | false}');
      const pn = numberOf(state, e164);
      pn.voiceCallerIdLookupSupported = voiceCallerIdLookupSupported;
      return { phoneNumber: pn.phoneNumber, sid: pn.sid, voiceCallerIdLookupSupported };
    },
    releaseNumber(e164) {
      const pn = numberOf(state, e164);
      state.phoneNumbers.delete(pn.sid);
      for (const assignments of [state.trustProductAssignments, state.customerProfileAssignments])
        for (const [sid, a] of assignments) if (a.channelEndpointSid === pn.sid) assignments.delete(sid);
    },
    lookup: () => ({
      dips: { ...state.lookupDips },
      numbers: Object.fromEntries([...state.lookupNumbers].map(([e164, s]) => [e164, { ...s }])),
    }),
    setLookupNumber(e164, input) {
      const merged = mergeLookupSettings(input, state.lookupNumbers.get(checkE164(e164)));
      if (typeof merged === 'string') throw badRequest(merged);
      state.lookupNumbers.set(e164, merged);
      return { ...merged };
    },
    clearLookupNumber(e164) {
      state.lookupNumbers.delete(checkE164(e164));
    },
  };
}
