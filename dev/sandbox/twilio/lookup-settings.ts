/** How a number answers caller_name dips: the network's CNAM database, no data, or a fixed name. */
export type LookupAnswer = 'network' | 'no-data' | 'name';
export type CallerType = 'BUSINESS' | 'CONSUMER';

/** A number's Lookup override as stored and shown; an absent key takes the sandbox's default. */
export interface LookupNumberSettings {
  answer: LookupAnswer;
  /** Overrides the sandbox's `lookupPropagationMs` for this number. */
  propagationMs?: number;
  /** What the network answers while no registered name shows (instead of the area-code table's). */
  rateCenter?: string;
  /** With `answer: 'name'`: the name every dip answers, verbatim. */
  callerName?: string;
  /** With `answer: 'name'`: its caller_type (BUSINESS when absent). */
  callerType?: CallerType | null;
  /** Dips answer `{caller_name: null, caller_type: null, error_code}` while it is set. */
  errorCode?: number;
  /** Dips left that answer errorCode (then it clears); absent with errorCode = every dip. */
  errorCount?: number;
}

/** The body of `PUT /__sandbox/lookup/numbers/:e164`: every field optional, merged into the number's settings. */
export interface LookupNumberInput {
  propagationMs?: number;
  rateCenter?: string;
  answer?: LookupAnswer;
  callerName?: string;
  callerType?: CallerType | null;
  /** null clears an armed error (and its count). */
  errorCode?: number | null;
  errorCount?: number;
}

const ANSWERS: readonly string[] = ['network', 'no-data', 'name'];
const CALLER_TYPES: readonly (string | null)[] = ['BUSINESS', 'CONSUMER', null];
const FIELDS = new Set([
  'propagationMs',
  'rateCenter',
  'answer',
  'callerName',
  'callerType',
  'errorCode',
  'errorCount',
]);

/** An E.164 number as the admin routes key overrides: `+` and 2-15 digits. */
export const E164 = /^\+[1-9]\d{1,14}$/;

/** Why a field of the input is refused, or undefined when it is acceptable. */
function fieldProblem(key: string, v: unknown): string | undefined {
  if (!FIELDS.has(key)) return `unknown field ${key}; expected one of ${[...FIELDS].join(', ')}`;
  const nonEmpty = typeof v === 'string' && v.trim() !== '';
  const checks: Record<string, [boolean, string]> = {
    propagationMs: [typeof v === 'number' && Number.isFinite(v) && v >= 0, 'a number of milliseconds >= 0'],
    rateCenter: [nonEmpty, 'a non-empty string'],
    answer: [typeof v === 'string' && ANSWERS.includes(v), `one of ${ANSWERS.join(', ')}`],
    callerName: [nonEmpty, 'a non-empty string'],
    callerType: [(typeof v === 'string' || v === null) && CALLER_TYPES.includes(v), 'BUSINESS, CONSUMER or null'],
    errorCode: [v === null || (Number.isInteger(v) && (v as number) > 0), 'a positive integer or null'],
    errorCount: [Number.isInteger(v) && (v as number) > 0, 'a positive integer'],
  };
  const [ok, expected] = checks[key] ?? [true, ''];
  return ok ? undefined : `${key} must be ${expected}`;
}

/**
 * Merges an admin body into a number's current settings; a string says what is wrong. A new errorCode without an
 * errorCount answers every dip, and a count needs an errorCode (in the body or already set).
 */
export function mergeLookupSettings(
  input: unknown,
  current: LookupNumberSettings | undefined,
): LookupNumberSettings | string {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return 'body must be a JSON object';
  for (const [key, v] of Object.entries(input)) {
    const problem = fieldProblem(key, v);
    if (problem) return problem;
  }
  const { errorCode, errorCount, ...rest } = input as LookupNumberInput;
  const next: LookupNumberSettings = { ...(current ?? { answer: 'network' }), ...rest };
  if (errorCode === null) {
    delete next.errorCode;
    delete next.errorCount;
  } else if (errorCode !== undefined) {
    next.errorCode = errorCode;
    delete next.errorCount;
  }
  if (errorCount !== undefined) {
    if (next.errorCode === undefined) return 'errorCount needs an errorCode';
    next.errorCount = errorCount;
  }
  if (next.answer === 'name' && next.callerName === undefined) return "answer 'name' needs a callerName";
  return next;
}
