import type { CallerType } from './lookup-settings';
import { CNAM_POLICY_SID, type ResolvedOptions } from './options';
import { rateCenterOf } from './rate-centers';
import { displayNameOf, linkedEntities } from './rules';
import type { TwilioSandboxState } from './store';

/** Lookup v2's `caller_name` object. */
export interface CallerNameInfo {
  caller_name: string | null;
  caller_type: CallerType | null;
  error_code: number | null;
}

/** A name registered for a number, and since when (epoch ms). */
export interface Registration {
  name: string;
  sinceMs: number;
}

/**
 * 60607 "Lookup Unsupported Country". Twilio's docs say only that caller_name "requests for phone numbers outside
 * the US will return null"; the sandbox answers the package object with a null name and this code, so a client
 * can tell "not covered" from "no name".
 */
export const UNSUPPORTED_COUNTRY = 60607;

/** Carriers keep CNAM upper-cased and at most 15 characters long. */
const asCarriersStoreIt = (name: string): string => name.toUpperCase().slice(0, 15);

/** Names this account registers: its numbers on approved CNAM Trust Products, from approval or assignment if later. */
export function accountRegistrations(state: TwilioSandboxState, e164: string): Registration[] {
  const sids = new Set([...state.phoneNumbers.values()].filter((pn) => pn.phoneNumber === e164).map((pn) => pn.sid));
  const found: Registration[] = [];
  for (const a of state.trustProductAssignments.values()) {
    if (!sids.has(a.channelEndpointSid)) continue;
    const tp = state.trustProducts.get(a.parentSid);
    if (tp?.policySid !== CNAM_POLICY_SID || tp.status !== 'twilio-approved' || tp.approvedAt === null) continue;
    const name = linkedEntities(state, tp.sid)
      .cnamUsers.map(displayNameOf)
      .find((n) => n.trim() !== '');
    if (name) found.push({ name, sinceMs: Math.max(tp.approvedAt, a.dateCreated) });
  }
  return found;
}

/**
 * The name the network shows now: the latest registration that has propagated. The sandbox keeps no history, so a
 * number whose new name has not propagated yet shows its default, not the name it had before.
 */
export function networkName(registrations: Registration[], propagationMs: number, now: number): string | null {
  const shown = registrations.filter((r) => now >= r.sinceMs + propagationMs).sort((a, b) => b.sinceMs - a.sinceMs)[0];
  return shown ? asCarriersStoreIt(shown.name) : null;
}

/** Answers one caller_name dip of a valid number: counts it (Twilio bills empty answers too), spends an armed error. */
export function callerNameDip(
  state: TwilioSandboxState,
  opts: ResolvedOptions,
  e164: string,
  countryCode: string | null,
): CallerNameInfo {
  state.lookupDips[e164] = (state.lookupDips[e164] ?? 0) + 1;
  const s = state.lookupNumbers.get(e164);
  if (s?.errorCode !== undefined) {
    const code = s.errorCode;
    if (s.errorCount !== undefined && --s.errorCount === 0) {
      delete s.errorCode;
      delete s.errorCount;
    }
    return { caller_name: null, caller_type: null, error_code: code };
  }
  if (s?.answer === 'no-data') return { caller_name: null, caller_type: null, error_code: null };
  if (s?.answer === 'name')
    return {
      caller_name: s.callerName ?? null,
      caller_type: s.callerType === undefined ? 'BUSINESS' : s.callerType,
      error_code: null,
    };
  if (countryCode !== 'US') return { caller_name: null, caller_type: null, error_code: UNSUPPORTED_COUNTRY };
  const registrations = [
    ...accountRegistrations(state, e164),
    ...opts.lookupSources.map((source) => source(e164)).filter((r) => r !== null),
  ];
  const name = networkName(registrations, s?.propagationMs ?? opts.lookupPropagationMs, opts.now());
  if (name !== null) return { caller_name: name, caller_type: 'BUSINESS', error_code: null };
  return { caller_name: s?.rateCenter ?? rateCenterOf(e164), caller_type: null, error_code: null };
}
