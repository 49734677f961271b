/**
 * Durations a caller may set, and the bounds each kind must fall within: a value outside them is
 * refused at the boundary (API, CLI, typed client), and the workflow refuses it again before any API
 * call (an out-of-range timer would make an invalid date). Parsed with `ms`, the parser Temporal
 * itself uses for its duration strings. No I/O: the workflows use it too.
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
/** How long CNAM dips go on; 0 turns them off (each dip is billed). */
const VERIFY_BOUND: DurationBounds = { minMs: 0, maxMs: 30 * DAY, text: 'between 0 (no dips) and 30d' };

/** The kinds of duration a workflow option can be; each provider's option table says which each option is. */
export const DURATION_BOUNDS = {
  timeout: TIMEOUT,
  pollInterval: POLL_INTERVAL,
  wait: WAIT,
  verifyBound: VERIFY_BOUND,
} as const satisfies Record<string, DurationBounds>;

export type DurationKind = keyof typeof DURATION_BOUNDS;

/** Strings `ms` reads: a number and an optional unit, e.g. '90s', '1.5h', '2 days'. */
export const DURATION_PATTERN =
  /^\s*\d+(\.\d+)?\s*(ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|yrs?|years?)?\s*$/i;

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

/** Reads `value` as the duration option `field` of kind `kind` and checks it against that kind's bounds. */
export function checkDuration(field: string, kind: DurationKind, value: unknown): DurationCheck {
  const bounds = DURATION_BOUNDS[kind];
  const n = durationMs(value);
  if (n === null) {
    return {
      ok: false,
      message: `${field} must be a duration ${bounds.text}: milliseconds or a string such as '30s', '5m', '48h', '3d'`,
    };
  }
  if (n < bounds.minMs || n > bounds.maxMs)
    return { ok: false, message: `${field} must be ${bounds.text}; ${JSON.stringify(value)} is not` };
  return { ok: true, ms: n };
}
