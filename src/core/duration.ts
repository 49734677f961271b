/**
 * Every duration a caller may set, with the bounds it must fall within. One table for the API, the
 * CLI, the typed client and the workflows: a value outside it is refused at the boundary, and the
 * workflow refuses it again before any API call (an out-of-range timer would make an invalid date).
 * Parsed with `ms`, the parser Temporal itself uses for its duration strings. Pure: no I/O.
 */
import ms, { type StringValue } from 'ms';

/** Milliseconds, or a string such as '30s', '5m', '48h', '14d'. */
export type DurationInput = string | number;

const SECOND = 1000;
const DAY = 24 * 60 * 60 * SECOND;

/** Inclusive bounds in milliseconds and the same in words, for messages and help texts. */
export interface DurationBounds {
  minMs: number;
  maxMs: number;
  text: string;
}

const TIMEOUT: DurationBounds = { minMs: SECOND, maxMs: 90 * DAY, text: 'between 1s and 90d' };
const POLL_INTERVAL: DurationBounds = { minMs: SECOND, maxMs: 7 * DAY, text: 'between 1s and 7d' };
const WAIT: DurationBounds = { minMs: SECOND, maxMs: 30 * DAY, text: 'between 1s and 30d' };

/** Every duration field of every workflow input, with its bounds. */
export const DURATION_BOUNDS = {
  approvalTimeout: TIMEOUT,
  approvalPollInitial: POLL_INTERVAL,
  approvalPollMax: POLL_INTERVAL,
  associationWait: WAIT,
  reviewTimeout: TIMEOUT,
  reviewPollInitial: POLL_INTERVAL,
  reviewPollMax: POLL_INTERVAL,
  propagationWait: WAIT,
} as const satisfies Record<string, DurationBounds>;

export type DurationField = keyof typeof DURATION_BOUNDS;

/** The business days Flowroute's association may be given (it documents 5-7). */
export const BUSINESS_DAYS_BOUNDS = { min: 1, max: 30 } as const;

/** Strings `ms` reads: a number and an optional unit, e.g. '90s', '1.5h', '2 days'. */
export const DURATION_PATTERN = /^\s*\d+(\.\d+)?\s*(ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)?\s*$/i;

/** Milliseconds, or null when `value` is not a duration at all. */
export function durationMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !DURATION_PATTERN.test(value)) return null;
  try {
    const n = ms(value.trim() as StringValue);
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

export type DurationCheck = { ok: true; ms: number } | { ok: false; message: string };

/** Reads `value` as the duration `field` and checks it against that field's bounds. */
export function checkDuration(field: DurationField, value: unknown): DurationCheck {
  const bounds = DURATION_BOUNDS[field];
  const n = durationMs(value);
  if (n === null) {
    return { ok: false, message: `${field} must be a duration ${bounds.text}: milliseconds or a string such as '30s', '5m', '48h', '3d'` };
  }
  if (n < bounds.minMs || n > bounds.maxMs) return { ok: false, message: `${field} must be ${bounds.text}; ${JSON.stringify(value)} is not` };
  return { ok: true, ms: n };
}

/** Problems with every duration (and the business-day count) in a workflow input; empty when all are in bounds. */
export function durationProblems(input: Record<string, unknown>): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const field of Object.keys(DURATION_BOUNDS) as DurationField[]) {
    if (input[field] === undefined) continue;
    const check = checkDuration(field, input[field]);
    if (!check.ok) problems.push({ field, message: check.message });
  }
  const days = input.associationBusinessDays;
  if (days !== undefined && !(Number.isInteger(days) && (days as number) >= BUSINESS_DAYS_BOUNDS.min && (days as number) <= BUSINESS_DAYS_BOUNDS.max)) {
    problems.push({ field: 'associationBusinessDays', message: `associationBusinessDays must be a whole number from ${BUSINESS_DAYS_BOUNDS.min} to ${BUSINESS_DAYS_BOUNDS.max}` });
  }
  return problems;
}
