import { z } from 'zod';

// Flowroute's docs, SDKs and tutorials disagree on several shapes; each schema accepts every documented variant.

/** A numeric id that arrives as a string in CNAM documents and as a JSON number in the assign reply. */
export const flowrouteId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform((v) => String(v));

/** `is_approved` is a JSON boolean in SDK output and the string "false" in an example of Flowroute's CNAM guide. */
export const flowrouteBoolean = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^(true|false)$/i, 'expected true/false')
    .transform((v) => v.toLowerCase() === 'true'),
]);

const SPACED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Converts Flowroute's `2018-07-10 23:14:28.529156+00:00`, ISO `2018-07-16T16:18:01Z` and RFC-1123
 * `Fri, 01 Jun 2018 00:17:52 GMT` to ISO-8601 (millisecond precision); null when unreadable.
 */
export function toIsoTimestamp(raw: string): string | null {
  const m = SPACED.exec(raw.trim());
  let candidate = raw.trim();
  if (m) {
    const [, date, time, fraction, zone] = m;
    // Date.parse rejects microseconds on some engines, so keep milliseconds only; no zone means UTC.
    const ms = (fraction ?? '').padEnd(3, '0').slice(0, 3);
    const offset = !zone || zone === 'Z' ? 'Z' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
    candidate = `${date}T${time}.${ms}${offset}`;
  }
  const at = Date.parse(candidate);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

/** Any of Flowroute's timestamp formats, output as an ISO-8601 string. */
export const flowrouteTimestamp = z.string().transform((raw, ctx) => {
  const iso = toIsoTimestamp(raw);
  if (iso === null) {
    ctx.addIssue({ code: 'custom', message: `unreadable timestamp ${JSON.stringify(raw)}` });
    return z.NEVER;
  }
  return iso;
});

// A legacy approved example carries "" where null is meant.
const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v ? v : null));

const optionalTimestamp = z
  .union([z.literal(''), flowrouteTimestamp])
  .nullish()
  .transform((v) => (v ? v : null));

const resourceRef = z.object({ id: flowrouteId, type: z.string().optional() });

export const cnamResourceSchema = z.object({
  id: flowrouteId,
  type: z.string().optional(),
  attributes: z.object({
    value: z.string(),
    is_approved: flowrouteBoolean,
    rejection_reason: optionalText,
    creation_datetime: flowrouteTimestamp,
    approval_datetime: optionalTimestamp,
    alias: z.string().nullish(),
  }),
  relationships: z.object({ numbers: z.object({ data: z.array(resourceRef).nullish() }).nullish() }).nullish(),
  links: z.object({ self: z.string().optional() }).nullish(),
});
export type CnamResource = z.output<typeof cnamResourceSchema>;

const includedSchema = z.array(z.object({ id: flowrouteId, type: z.string() })).nullish();

export const cnamDocumentSchema = z.object({ data: cnamResourceSchema, included: includedSchema });

export const cnamListDocumentSchema = z.object({
  data: z.array(cnamResourceSchema),
  links: z.object({ self: z.string().nullish(), next: z.string().nullish() }).nullish(),
});

export const cnamAssignmentDocumentSchema = z.object({
  data: z.object({
    id: flowrouteId,
    type: z.string().optional(),
    attributes: z.object({ date_created: flowrouteTimestamp }),
  }),
});

// The SDK swagger types cnam_preset.data as a string; documented replies carry null or {id, type}.
const cnamPresetData = z
  .union([z.null(), z.string(), resourceRef])
  .optional()
  .transform((v) => (v === undefined || v === null || v === '' ? null : typeof v === 'string' ? v : v.id));

export const numberDocumentSchema = z.object({
  data: z.object({
    id: flowrouteId,
    type: z.string().optional(),
    attributes: z
      .object({
        number_type: z.string().nullish(),
        cnam_lookups_enabled: flowrouteBoolean.nullish(),
        alias: z.string().nullish(),
        value: z.union([z.string(), z.number()]).nullish(),
      })
      .nullish(),
    relationships: z.object({ cnam_preset: z.object({ data: cnamPresetData }).nullish() }).nullish(),
  }),
});

export const errorDocumentSchema = z.object({
  errors: z
    .array(
      z.object({
        id: z.union([z.string(), z.number()]).nullish(),
        status: z.union([z.number(), z.string()]).nullish(),
        title: z.string().nullish(),
        detail: z.string().nullish(),
      }),
    )
    .min(1),
});
export type FlowrouteErrorDocument = z.output<typeof errorDocumentSchema>;
