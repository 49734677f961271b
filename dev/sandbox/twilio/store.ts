import { randomBytes } from 'node:crypto';
import type { ActiveFault, FaultSpec } from '../shared/faults';
import type { CallbackShape } from './callback-shapes';
import type { LookupNumberSettings } from './lookup-settings';
import { BUSINESS_PROFILE_POLICY_SID, type ResolvedOptions, type TrustHubStatus } from './options';
import { classifyNumber, formatFriendlyName } from './numbers';

/** A Trust Hub rejection entry, as in `errors: [{code: 11009}]`. */
export interface TrustHubErrorEntry {
  code: number;
}

export interface CustomerProfile {
  sid: string;
  friendlyName: string;
  status: TrustHubStatus;
  email: string;
  policySid: string;
  statusCallback: string | null;
  dateCreated: number;
  dateUpdated: number;
}

/** A number on a Business Profile or on a Trust Product (both use RA SIDs). */
export interface ChannelEndpointAssignment {
  sid: string;
  parentSid: string;
  channelEndpointType: string;
  channelEndpointSid: string;
  dateCreated: number;
}

export interface TrustProduct {
  sid: string;
  friendlyName: string;
  email: string;
  policySid: string;
  statusCallback: string | null;
  status: TrustHubStatus;
  errors: TrustHubErrorEntry[] | null;
  failureReason: string | null;
  dateCreated: number;
  dateUpdated: number;
  /** When the client submitted (ms); drives the lazy review progression. */
  submittedAt: number | null;
  inReviewAt: number | null;
  /** When it last became twilio-approved (ms), null while it is not: the network registers its name from then. */
  approvedAt: number | null;
  /** `valid_until` (ms); only the admin surface sets it. */
  validUntil: number | null;
}

export interface EntityAssignment {
  sid: string;
  trustProductSid: string;
  objectSid: string;
  dateCreated: number;
}

export interface EvaluationItem {
  friendly_name: string;
  object_field: string;
  failure_reason: string | null;
  error_code: number | null;
  passed?: boolean;
}

export interface EvaluationResult {
  requirement_name: string;
  requirement_friendly_name: string;
  friendly_name: string;
  object_type: string;
  passed: boolean;
  failure_reason: string | null;
  error_code: number | null;
  valid: EvaluationItem[];
  invalid: EvaluationItem[];
}

export interface Evaluation {
  sid: string;
  trustProductSid: string;
  policySid: string;
  status: 'compliant' | 'noncompliant';
  results: EvaluationResult[];
  dateCreated: number;
}

export interface EndUser {
  sid: string;
  friendlyName: string;
  type: string;
  attributes: Record<string, unknown>;
  dateCreated: number;
  dateUpdated: number;
}

export interface PhoneNumber {
  sid: string;
  phoneNumber: string;
  friendlyName: string;
  type: 'local' | 'toll-free';
  voiceCallerIdLookup: boolean;
  /** False: `VoiceCallerIdLookup=true` answers 21409. */
  voiceCallerIdLookupSupported: boolean;
  voiceUrl: string | null;
  voiceMethod: 'GET' | 'POST';
  statusCallback: string;
  statusCallbackMethod: 'GET' | 'POST';
  dateCreated: number;
  dateUpdated: number;
}

/**
 * A fault for matching API requests (see FaultSpec for `kind`, `count`, `rate`, `delayMs`); a `status`
 * fault answers with Twilio's error body, `code` defaulting to 20000 + status.
 */
export interface SandboxFault extends FaultSpec {
  code?: number;
  message?: string;
}

/** A status callback the sandbox sent. */
export interface CallbackRecord {
  /** The URL requested; a JSON callback's carries `bodySHA256`. */
  url: string;
  /** The fields sent, form-encoded or as the JSON object. */
  params: Record<string, string>;
  shape: CallbackShape;
  /** 1 for the first delivery, 2 and up for the repeats. */
  attempt: number;
  signature: string;
  /** Response status, or null when the request failed (see `error`). */
  responseStatus: number | null;
  error?: string;
  sentAt: string;
}

/** Everything the sandbox knows, keyed by SID in creation order. */
export interface TwilioSandboxState {
  accountSid: string;
  customerProfiles: Map<string, CustomerProfile>;
  customerProfileAssignments: Map<string, ChannelEndpointAssignment>;
  trustProducts: Map<string, TrustProduct>;
  entityAssignments: Map<string, EntityAssignment>;
  trustProductAssignments: Map<string, ChannelEndpointAssignment>;
  evaluations: Map<string, Evaluation>;
  endUsers: Map<string, EndUser>;
  phoneNumbers: Map<string, PhoneNumber>;
  faults: ActiveFault<SandboxFault>[];
  callbacks: CallbackRecord[];
  /** Keyed `METHOD /route/pattern`: every API request that arrived, before faults and auth. */
  requestCounts: Record<string, number>;
  /** Same keys: writes the routes applied (2xx), counted even when a fault then lost the response. */
  writeCounts: Record<string, number>;
  /** 429s the API answered, from the rate limit or an injected fault. */
  http429: number;
  /** Lookup overrides set through the admin surface, keyed by E.164. */
  lookupNumbers: Map<string, LookupNumberSettings>;
  /** caller_name dips answered, keyed by E.164, so tests can bound what a client would be billed. */
  lookupDips: Record<string, number>;
}

/** A fresh random SID with the given two-letter prefix. */
export function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** Builds an empty state; `seedState` fills it from the options. */
export function createState(accountSid: string): TwilioSandboxState {
  return {
    accountSid,
    customerProfiles: new Map(),
    customerProfileAssignments: new Map(),
    trustProducts: new Map(),
    entityAssignments: new Map(),
    trustProductAssignments: new Map(),
    evaluations: new Map(),
    endUsers: new Map(),
    phoneNumbers: new Map(),
    faults: [],
    callbacks: [],
    requestCounts: {},
    writeCounts: {},
    http429: 0,
    lookupNumbers: new Map(),
    lookupDips: {},
  };
}

/** Clears the state in place (callers keep their reference) and loads the configured numbers and profiles. */
export function seedState(state: TwilioSandboxState, opts: ResolvedOptions): void {
  for (const value of Object.values(state)) if (value instanceof Map) value.clear();
  state.faults.length = 0;
  state.callbacks.length = 0;
  for (const counts of [state.requestCounts, state.writeCounts, state.lookupDips])
    for (const key of Object.keys(counts)) delete counts[key];
  state.http429 = 0;
  const t = opts.now();
  for (const n of opts.numbers) {
    state.phoneNumbers.set(n.sid, {
      sid: n.sid,
      phoneNumber: n.phoneNumber,
      friendlyName: n.friendlyName ?? formatFriendlyName(n.phoneNumber),
      type: classifyNumber(n.phoneNumber) === 'toll-free' ? 'toll-free' : 'local',
      voiceCallerIdLookup: false,
      voiceCallerIdLookupSupported: n.voiceCallerIdLookup !== false,
      voiceUrl: null,
      voiceMethod: 'POST',
      statusCallback: '',
      statusCallbackMethod: 'POST',
      dateCreated: t,
      dateUpdated: t,
    });
  }
  for (const p of opts.businessProfiles) {
    state.customerProfiles.set(p.sid, {
      sid: p.sid,
      friendlyName: p.friendlyName,
      status: p.status,
      email: p.email,
      policySid: BUSINESS_PROFILE_POLICY_SID,
      statusCallback: null,
      dateCreated: t,
      dateUpdated: t,
    });
    for (const pn of p.phoneNumberSids) {
      if (!state.phoneNumbers.has(pn)) throw new Error(`businessProfiles: unknown phone number sid ${pn}`);
      const sid = newSid('RA');
      state.customerProfileAssignments.set(sid, {
        sid,
        parentSid: p.sid,
        channelEndpointType: 'phone-number',
        channelEndpointSid: pn,
        dateCreated: t,
      });
    }
  }
}
