import { createHash } from 'node:crypto';
import { checkRateLimit, type RateLimit, type ResolvedRateLimit } from '../shared/rate-limit';
import { checkCallbackSettings, DEFAULT_CALLBACK_SETTINGS, type CallbackShape } from './callback-shapes';

/** Trust Hub status of a Business Profile or Trust Product. */
export type TrustHubStatus = 'draft' | 'pending-review' | 'in-review' | 'twilio-approved' | 'twilio-rejected';

/** One request/response pair seen by the sandbox (for recording and spec checks). */
export interface SandboxExchange {
  method: string;
  path: string;
  query: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Configuration of the Twilio sandbox; every field has a default. */
export interface TwilioSandboxOptions {
  accountSid?: string;
  authToken?: string;
  apiKeys?: { sid: string; secret: string }[];
  /** `voiceCallerIdLookup: false` marks a number that refuses `VoiceCallerIdLookup=true` with 21409. */
  numbers?: { phoneNumber: string; sid?: string; friendlyName?: string; voiceCallerIdLookup?: boolean }[];
  businessProfiles?: {
    sid?: string;
    friendlyName: string;
    status: TrustHubStatus;
    email?: string;
    phoneNumberSids?: string[];
  }[];
  inReviewDelayMs?: number;
  decisionDelayMs?: number;
  autoReview?: boolean;
  now?: () => number;
  /** Origin used in `url`/`links` instead of the request's own origin (e.g. behind a proxy). */
  publicUrl?: string;
  /** Terms that make the review reject with 11008 (whole words, case-insensitive). */
  prohibitedTerms?: string[];
  /** Called after every response, admin routes included. */
  onExchange?: (exchange: SandboxExchange) => void;
  /** Status callback body shape (Twilio documents none; see callback-shapes.ts); defaults to 'form-bundle'. */
  callbackShape?: CallbackShape;
  /** Deliveries of each status callback, to emulate Twilio retrying; defaults to 1. */
  callbackRepeats?: number;
  /** Requests per second the API accepts before answering 429 / 20429; defaults to null, no limit. */
  rateLimit?: RateLimit | null;
  /**
   * More of "the network's CNAM database" for Lookup caller_name dips, beside this account's own approved CNAM Trust
   * Products: each answers the name registered for an E.164 number and since when (epoch ms), or null.
   */
  lookupSources?: LookupSource[];
  /** Time from a name's registration until Lookup shows it; defaults to 0 (the product waits out the 48-72 h). */
  lookupPropagationMs?: number;
}

/** A name registered for a number somewhere on the network, and since when (epoch ms). */
export type LookupSource = (e164: string) => { name: string; sinceMs: number } | null;

/** The CNAM policy SID from Twilio's CNAM guide, the same in every account. */
export const CNAM_POLICY_SID = 'RNf3db3cd1fe25fcfd3c3ded065c8fea53';
/** Policy SID given to the configured Business Profiles (Secondary Customer Profile policy). */
export const BUSINESS_PROFILE_POLICY_SID = 'RNdfbf3fae0e1107f8aded0e7cead80bf5';

/** A stable SID: prefix + 32 hex digits derived from a seed, so restarts keep the same SIDs. */
export function stableSid(prefix: string, seed: string): string {
  return prefix + createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

export const DEFAULT_ACCOUNT_SID = stableSid('AC', 'cnam-sandbox-account');
export const DEFAULT_AUTH_TOKEN = 'sandbox-auth-token';
export const DEFAULT_BUSINESS_PROFILE_SID = stableSid('BU', 'cnam-sandbox-approved-profile');

export const DEFAULT_NUMBERS = [
  '+12065550100',
  '+12065550101',
  '+12065550102',
  '+12065550103',
  '+12065550104',
  '+18005550100',
  '+14165550100',
];

export const DEFAULT_PROHIBITED_TERMS = [
  'FBI',
  'POLICE',
  'SHERIFF',
  'GOVERNMENT',
  'GOVT',
  'MEDICARE',
  'MEDICAID',
  'IRS',
  'SOCIAL SECURITY',
  'FEDERAL',
  '911',
];

/** Options with every default applied. */
export interface ResolvedOptions {
  accountSid: string;
  authToken: string;
  apiKeys: { sid: string; secret: string }[];
  numbers: { phoneNumber: string; sid: string; friendlyName?: string; voiceCallerIdLookup?: boolean }[];
  businessProfiles: {
    sid: string;
    friendlyName: string;
    status: TrustHubStatus;
    email: string;
    phoneNumberSids: string[];
  }[];
  inReviewDelayMs: number;
  decisionDelayMs: number;
  autoReview: boolean;
  now: () => number;
  clockInjected: boolean;
  publicUrl?: string;
  prohibitedTerms: string[];
  onExchange?: (exchange: SandboxExchange) => void;
  callbackShape: CallbackShape;
  callbackRepeats: number;
  rateLimit: ResolvedRateLimit | null;
  lookupSources: LookupSource[];
  lookupPropagationMs: number;
}

const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

function checkSid(prefix: string, sid: string, what: string): string {
  if (!SID.test(sid) || !sid.startsWith(prefix)) throw new Error(`${what} must be ${prefix} + 32 hex digits: ${sid}`);
  return sid;
}

/** Applies defaults and checks the configured SIDs, failing fast on typos. */
export function resolveOptions(options: TwilioSandboxOptions = {}): ResolvedOptions {
  const accountSid = checkSid('AC', options.accountSid ?? DEFAULT_ACCOUNT_SID, 'accountSid');
  const configured: NonNullable<TwilioSandboxOptions['numbers']> =
    options.numbers ?? DEFAULT_NUMBERS.map((phoneNumber) => ({ phoneNumber }));
  const numbers = configured.map((n) => ({
    ...n,
    sid: checkSid('PN', n.sid ?? stableSid('PN', `${accountSid}:${n.phoneNumber}`), 'number sid'),
  }));
  const profiles = options.businessProfiles ?? [
    { sid: DEFAULT_BUSINESS_PROFILE_SID, friendlyName: 'Acme Plumbing LLC', status: 'twilio-approved' as const },
    { friendlyName: 'Draft Holdings Inc', status: 'draft' as const },
  ];
  for (const k of options.apiKeys ?? []) checkSid('SK', k.sid, 'apiKeys[].sid');
  const callbacks = checkCallbackSettings({
    callbackShape: options.callbackShape,
    callbackRepeats: options.callbackRepeats,
  });
  if (typeof callbacks === 'string') throw new Error(callbacks);
  const rateLimit = checkRateLimit(options.rateLimit ?? null);
  if (typeof rateLimit === 'string') throw new Error(rateLimit);
  const lookupPropagationMs = options.lookupPropagationMs ?? 0;
  if (!Number.isFinite(lookupPropagationMs) || lookupPropagationMs < 0)
    throw new Error(`lookupPropagationMs must be a number of milliseconds >= 0: ${lookupPropagationMs}`);
  return {
    accountSid,
    authToken: options.authToken ?? DEFAULT_AUTH_TOKEN,
    apiKeys: options.apiKeys ?? [],
    numbers,
    businessProfiles: profiles.map((p) => ({
      sid: checkSid('BU', p.sid ?? stableSid('BU', `${accountSid}:${p.friendlyName}`), 'business profile sid'),
      friendlyName: p.friendlyName,
      status: p.status,
      email: p.email ?? 'compliance@example.com',
      phoneNumberSids: p.phoneNumberSids ?? [],
    })),
    inReviewDelayMs: options.inReviewDelayMs ?? 1000,
    decisionDelayMs: options.decisionDelayMs ?? 5000,
    autoReview: options.autoReview ?? true,
    now: options.now ?? Date.now,
    clockInjected: options.now !== undefined,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    prohibitedTerms: options.prohibitedTerms ?? DEFAULT_PROHIBITED_TERMS,
    onExchange: options.onExchange,
    ...DEFAULT_CALLBACK_SETTINGS,
    ...callbacks,
    rateLimit,
    lookupSources: options.lookupSources ?? [],
    lookupPropagationMs,
  };
}
