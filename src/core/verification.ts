/**
 * Proof that a name shows on the network: what a CNAM dip (Twilio Lookup v2 `caller_name`) answered,
 * read the way carriers store names, and when to dip again. Pure: the workflows import it.
 */

/** One dip's answer, as Lookup gives it. */
export interface DipAnswer {
  callerName: string | null;
  callerType: string | null;
  errorCode: number | null;
}

/**
 * - `match`: our name. - `default`: the carrier's default, the number's rate centre (e.g. "PALM DESERT"),
 * which is what an unregistered number shows. - `other`: someone else's name. - `no-data`: no name at all.
 * - `error`: Lookup answered an error code instead of a name.
 */
export const DIP_CLASSES = ['match', 'default', 'other', 'no-data', 'error'] as const;
export type DipClass = (typeof DIP_CLASSES)[number];

/** Carriers keep 15 characters, upper case; compared without punctuation or repeated spaces. */
export function carrierForm(name: string): string {
  return name
    .toUpperCase()
    .slice(0, 15)
    .replace(/[^A-Z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Classifies one answer against the name we registered. A registered CNAM entry carries a caller type
 * (BUSINESS or CONSUMER); a carrier's default answer is the rate centre with none, so a name without a
 * type that is not ours counts as `default`, never as success. `rateCenter`, when known, is `default` too.
 */
export function classifyDip(answer: DipAnswer, displayName: string, rateCenter?: string | null): DipClass {
  if (answer.errorCode !== null && answer.errorCode !== undefined) return 'error';
  const shown = answer.callerName?.trim() ?? '';
  if (shown === '') return 'no-data';
  const form = carrierForm(shown);
  if (form === carrierForm(displayName)) return 'match';
  if (rateCenter && form === carrierForm(rateCenter)) return 'default';
  if (!answer.callerType) return 'default';
  return 'other';
}

/**
 * Lookup error codes after which dipping again cannot help: the Lookup package is not enabled on the
 * account (60606), the country (60607) or the number (60610) is outside Caller Name's coverage. Any
 * other code (60608, the data provider failed) is worth another dip.
 */
export const PERMANENT_DIP_ERRORS: Record<number, string> = {
  60606: 'the Lookup Caller Name package is not enabled on the Twilio account',
  60607: "the number's country is not covered by Lookup Caller Name",
  60610: 'the number is outside Lookup Caller Name coverage',
};

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * When to dip, as offsets from the first dip: at once, after 6 h, after 24 h, then daily until
 * `boundMs`. The list is the budget: at most 2 + boundMs/1 d dips per number (9 for 7 days), plus
 * the `ERROR_REDIPS` after an answer with a transient error code.
 */
export function dipOffsets(boundMs: number): number[] {
  if (boundMs <= 0) return [];
  const offsets = [0];
  for (const at of [6 * HOUR, DAY]) if (at <= boundMs) offsets.push(at);
  for (let at = 2 * DAY; at <= boundMs; at += DAY) offsets.push(at);
  if (offsets[offsets.length - 1]! < boundMs) offsets.push(boundMs);
  return offsets;
}

/** Extra dips after an answer with a transient error code, each `ERROR_REDIP_DELAY_MS` later, before the next scheduled one. */
export const ERROR_REDIPS = 2;
export const ERROR_REDIP_DELAY_MS = 15 * 60 * 1000;

/** How a number's verification ended (or stands, while dipping). */
export const VERIFICATION_OUTCOMES = ['checking', 'showing', 'not-showing', 'unverifiable', 'skipped'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

export interface DipRecord extends DipAnswer {
  classification: DipClass;
  /** ISO time of the dip. */
  at: string;
}

/** One number's verification: every field a user needs to say whether the name shows. */
export interface NumberVerification {
  number: string;
  outcome: VerificationOutcome;
  /** One honest sentence, e.g. `registered and showing since 2026-12-09T10:00:00.000Z`. */
  summary: string;
  /** The first dip that answered our name. */
  showingSince: string | null;
  /** The last answer; null before the first dip, or when dips are skipped. */
  lastDip: DipRecord | null;
  /** Dips made (each billed by Twilio). */
  dips: number;
}

/** The `verifying` step's outcome for a run's numbers; in the run's status and result. */
export interface Verification {
  /** `showing` when every number shows the name; `not-showing` when any does not; `checking` while dipping. */
  outcome: VerificationOutcome;
  summary: string;
  /** How long dips go on (ms), from the first one. */
  boundMs: number;
  /** Dips made for all numbers together. */
  dips: number;
  numbers: NumberVerification[];
  /** ISO time of the next dip while checking, else null. */
  nextDipAt: string | null;
}

/** The overall outcome of several numbers: any number still checking or not showing decides it. */
export function overallOutcome(numbers: NumberVerification[]): VerificationOutcome {
  const order: VerificationOutcome[] = ['checking', 'not-showing', 'unverifiable', 'skipped', 'showing'];
  for (const outcome of order) if (numbers.some((n) => n.outcome === outcome)) return outcome;
  return 'skipped';
}

/** Days in words for summaries: `7 days`, `36 hours`. */
export function spanText(ms: number): string {
  if (ms % DAY === 0) return `${ms / DAY} day${ms === DAY ? '' : 's'}`;
  if (ms % HOUR === 0) return `${ms / HOUR} hours`;
  return `${Math.round(ms / 60_000)} minutes`;
}
