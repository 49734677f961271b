/**
 * A provider's tuning options (timeouts, poll intervals, waits, day counts) described once, in a
 * table per provider (src/providers/<p>/options.ts): the workflow reads its defaults and bounds from
 * it, the zod contract and the OpenAPI document are built from it, and the CLI makes its flags from
 * it. A new option is one row. No zod and no I/O here, so workflow code can import it.
 */
import { checkDuration, DURATION_BOUNDS, type DurationInput, type DurationKind } from './duration';

interface OptionText {
  /** The CLI flag, e.g. '--approval-timeout'. */
  flag: string;
  /** One line for `--help` and the API document; the default is appended. */
  help: string;
}

export type TuningOption =
  | (OptionText & { kind: DurationKind; default?: string })
  | (OptionText & { kind: 'days'; min: number; max: number; default?: number });

export type OptionTable = Record<string, TuningOption>;

/** Every provider's row for the `verifying` step: how long CNAM dips go on after the propagation wait. */
export const VERIFY_FOR_OPTION = {
  kind: 'verifyBound',
  default: '7d',
  flag: '--verify-for',
  help: 'how long to keep checking with CNAM dips (Twilio Lookup, billed per dip) that the name shows; 0 dips nothing',
} as const satisfies TuningOption;

/** The input fields a table describes: durations as milliseconds or strings, days as whole numbers. */
export type TuningInput<T extends OptionTable> = {
  [K in keyof T]?: T[K] extends { kind: 'days' } ? number : DurationInput;
};

/** The bounds of `option` in words, e.g. 'between 1s and 90d' or 'from 1 to 30'. */
export function boundsText(option: TuningOption): string {
  return option.kind === 'days' ? `from ${option.min} to ${option.max}` : DURATION_BOUNDS[option.kind].text;
}

export type OptionCheck = { ok: true; value: number } | { ok: false; message: string };

/** Reads `value` as the option `field` (milliseconds for a duration, the count for days) within its bounds. */
export function checkOption(field: string, option: TuningOption, value: unknown): OptionCheck {
  if (option.kind !== 'days') {
    const check = checkDuration(field, option.kind, value);
    return check.ok ? { ok: true, value: check.ms } : check;
  }
  if (typeof value === 'number' && Number.isInteger(value) && value >= option.min && value <= option.max)
    return { ok: true, value };
  return { ok: false, message: `${field} must be a whole number ${boundsText(option)}` };
}

/** Every option of `input` that is set and out of bounds; empty when all are fine. */
export function optionProblems(
  table: OptionTable,
  input: Record<string, unknown>,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const [field, option] of Object.entries(table)) {
    if (input[field] === undefined) continue;
    const check = checkOption(field, option, input[field]);
    if (!check.ok) problems.push({ field, message: check.message });
  }
  return problems;
}
