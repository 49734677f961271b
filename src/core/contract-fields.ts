/**
 * zod building blocks for the providers' contracts: a phone number, a display name and the tuning
 * options of an option table. The structure is checked here; the business rules (name rules, number
 * rules, SIDs) after it, so every broken rule is reported together with its own name.
 */
import { z } from 'zod';
import { DURATION_BOUNDS, DURATION_PATTERN, type DurationInput } from './duration';
import { boundsText, checkOption, type OptionTable, type TuningOption } from './options';

/** What a phone number may look like before the number rules read it: digits and common separators. */
const PHONE_INPUT = /^[0-9+()./ -]{1,32}$/;

export const phone = z
  .string()
  .regex(
    PHONE_INPUT,
    'must be a US phone number: digits, optionally with +, spaces, dashes, dots, slashes or parentheses',
  )
  .meta({
    description:
      'A US local long code in any common format, e.g. +12065550100 or (206) 555-0100; toll-free and non-US numbers are refused (400)',
    example: '+12065550100',
  });

// Far above the 15-character CNAM limit (checked after normalisation by the name rules): it only bounds the input.
export const displayName = z.string().max(64).meta({
  pattern: '[A-Za-z]',
  description:
    'The caller-ID name: at most 15 characters after normalisation, with a letter (first, at Twilio); the name rules are checked after the shape (400 naming each rule)',
  example: 'Bob Law',
});

/** A regex source matching letters in either case: OpenAPI patterns carry no `i` flag. */
function caseless(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') out += ch + (source[++i] ?? '');
    else if (/[a-z]/i.test(ch))
      out += inClass ? ch.toLowerCase() + ch.toUpperCase() : `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    else {
      if (ch === '[') inClass = true;
      if (ch === ']') inClass = false;
      out += ch;
    }
  }
  return out;
}

type OptionValue<O extends TuningOption> = O extends { kind: 'days' } ? number : DurationInput;

/**
 * One tuning option as a zod field. One check (core/options) refuses every bad value, with rule
 * `duration` for durations; the document says the same in OpenAPI terms (a duration string's bounds
 * are in its description: a pattern cannot hold them).
 */
function tuningField<O extends TuningOption>(
  field: string,
  option: O,
): z.ZodOptional<z.ZodType<OptionValue<O>, unknown>> {
  const defaultText = option.default === undefined ? '' : ` (default ${option.default})`;
  if (option.kind === 'days') {
    return (
      z
        .number()
        .int()
        .min(option.min)
        .max(option.max)
        .meta({ description: `${option.help}${defaultText}` }) as unknown as z.ZodType<OptionValue<O>, unknown>
    ).optional();
  }
  const { minMs, maxMs } = DURATION_BOUNDS[option.kind];
  const schema = z.unknown().superRefine((value, ctx) => {
    const check = checkOption(field, option, value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message, params: { rule: 'duration' } });
  });
  // The refinement guarantees what the type cannot say: a number or one of ms's strings.
  return (schema as unknown as z.ZodType<OptionValue<O>, unknown>)
    .meta({
      description: `${option.help}${defaultText}; ${boundsText(option)}: milliseconds, or a string such as '30s', '5m', '48h', '3d'`,
      anyOf: [
        { type: 'number', minimum: minMs, maximum: maxMs },
        { type: 'string', pattern: caseless(DURATION_PATTERN.source) },
      ],
    })
    .optional();
}

/** The zod fields of every option in `table`, all optional (the workflow applies the defaults). */
export function tuningFields<T extends OptionTable>(
  table: T,
): { [K in keyof T]: z.ZodOptional<z.ZodType<OptionValue<T[K]>, unknown>> } {
  return Object.fromEntries(Object.entries(table).map(([field, option]) => [field, tuningField(field, option)])) as {
    [K in keyof T]: z.ZodOptional<z.ZodType<OptionValue<T[K]>, unknown>>;
  };
}
