/**
 * Request shapes shared by the HTTP API and the typed client: the structure is checked here,
 * the business rules (names, numbers, SIDs) by startProvision, so both agree on every rule.
 */
import { z } from 'zod';
import { BUSINESS_DAYS_BOUNDS, checkDuration, DURATION_BOUNDS, DURATION_PATTERN, type DurationField, type DurationInput } from '../core/duration';
import type { ProvisionStep } from '../core/workflow/messages';
import type { RequestProblem } from './request';
import { InvalidRequestError, type ProvisionStart } from './start';

/**
 * A duration field: milliseconds or a string such as '30s', '5m', '48h', within that field's bounds.
 * One check (domain/duration.ts) refuses every bad value with rule `duration`; the document says the
 * same in OpenAPI terms (a string's bounds are in its description: a pattern cannot hold them).
 */
function duration(field: DurationField) {
  const { minMs, maxMs, text } = DURATION_BOUNDS[field];
  const schema = z.unknown().superRefine((value, ctx) => {
    const check = checkDuration(field, value);
    if (!check.ok) ctx.addIssue({ code: 'custom', message: check.message, params: { rule: 'duration' } });
  });
  // The refinement guarantees what the type cannot say: a number or one of ms's strings.
  return (schema as unknown as z.ZodType<DurationInput, unknown>).meta({
    description: `${text}: milliseconds, or a string such as '30s', '5m', '48h', '3d'`,
    anyOf: [{ type: 'number', minimum: minMs, maximum: maxMs }, { type: 'string', pattern: caseless(DURATION_PATTERN.source) }],
  }).optional();
}

/** A regex source matching letters in either case: OpenAPI patterns carry no `i` flag. */
function caseless(source: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') out += ch + (source[++i] ?? '');
    else if (/[a-z]/i.test(ch)) out += inClass ? ch.toLowerCase() + ch.toUpperCase() : `[${ch.toLowerCase()}${ch.toUpperCase()}]`;
    else {
      if (ch === '[') inClass = true;
      if (ch === ']') inClass = false;
      out += ch;
    }
  }
  return out;
}

/** What a phone number may look like before the number rules read it: digits and common separators. */
const PHONE_INPUT = /^[0-9+()./ -]{1,32}$/;
const phone = z.string().regex(PHONE_INPUT, 'must be a US phone number: digits, optionally with +, spaces, dashes, dots, slashes or parentheses')
  .meta({ description: 'A US local long code in any common format, e.g. +12065550100 or (206) 555-0100; toll-free and non-US numbers are refused (400)', example: '+12065550100' });
// Far above the 15-character CNAM limit (checked after normalisation by the name rules): it only bounds the input.
const displayName = z.string().max(64).meta({ pattern: '[A-Za-z]', description: 'The caller-ID name: at most 15 characters after normalisation, with a letter (first, at Twilio); the name rules are checked after the shape (400 naming each rule)', example: 'Bob Law' });

// Checked with the Twilio rules (rule `format`) so every broken rule is reported together; documented here.
const BU_SID = /^BU[0-9a-f]{32}$/;
const businessProfileSid = z.string().max(34).meta({ pattern: BU_SID.source, description: 'The Business Profile (CustomerProfile) SID: BU followed by 32 hex digits' });
const notificationEmail = z.string().max(254).meta({ format: 'email', pattern: z.regexes.email.source, description: 'Where Twilio sends review notifications' });
const statusCallbackUrl = z.string().max(2048).meta({ format: 'uri', pattern: '^https?://', description: 'An http(s) URL for Twilio status callbacks; defaults to the deployment\'s webhook' });

export const FlowrouteStartSchema = z.strictObject({
  provider: z.literal('flowroute'),
  number: phone,
  displayName,
  approvalTimeout: duration('approvalTimeout'),
  approvalPollInitial: duration('approvalPollInitial'),
  approvalPollMax: duration('approvalPollMax'),
  associationBusinessDays: z.number().int().min(BUSINESS_DAYS_BOUNDS.min).max(BUSINESS_DAYS_BOUNDS.max).optional(),
  associationWait: duration('associationWait'),
}).meta({ id: 'FlowrouteStart' });

export const TwilioStartSchema = z.strictObject({
  provider: z.literal('twilio'),
  phoneNumber: phone,
  additionalPhoneNumbers: z.array(phone).max(50).optional(),
  businessProfileSid,
  displayName,
  notificationEmail,
  statusCallbackUrl: statusCallbackUrl.optional(),
  reviewTimeout: duration('reviewTimeout'),
  reviewPollInitial: duration('reviewPollInitial'),
  reviewPollMax: duration('reviewPollMax'),
  propagationWait: duration('propagationWait'),
}).meta({ id: 'TwilioStart' });

/** `POST /v1/provisions` and `CnamClient.start`: one provider's workflow input plus `provider`. */
export const ProvisionStartSchema = z.discriminatedUnion('provider', [FlowrouteStartSchema, TwilioStartSchema]).meta({ id: 'ProvisionStart' });

export const PROVISION_STEPS = [
  'validating', 'creating-record', 'preparing-trust-product', 'submitting', 'awaiting-approval', 'assigning',
  'enabling-lookup', 'awaiting-propagation', 'confirming', 'completed', 'failed',
] as const satisfies readonly ProvisionStep[];

export const EXECUTION_STATES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed-out', 'continued-as-new'] as const;

/** Filters of `GET /v1/provisions` and `CnamClient.list`; every one optional. */
export const ProvisionFilterSchema = z.strictObject({
  provider: z.enum(['flowroute', 'twilio']).optional(),
  number: phone.optional(),
  step: z.enum(PROVISION_STEPS).optional(),
  state: z.enum(EXECUTION_STATES).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
});
export type ProvisionFilter = z.infer<typeof ProvisionFilterSchema>;

/** Ids the API accepts: the ones provisionWorkflowId derives (no access to unrelated workflows). */
export const ProvisionIdSchema = z.string().regex(/^cnam-(flowroute|twilio)-[0-9]{8,15}$/, 'must be a provisioning id such as cnam-flowroute-12065550100')
  .meta({ example: 'cnam-flowroute-12065550100' });

/** Zod issues as request problems: the field's path and the zod code (or a refinement's own rule). */
export function zodProblems(error: z.ZodError): RequestProblem[] {
  return error.issues.flatMap((issue) => {
    const field = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: field ? `${field}.${key}` : key, rule: issue.code, message: `unknown field "${key}"` }));
    }
    const rule = issue.code === 'custom' && typeof issue.params?.rule === 'string' ? issue.params.rule : issue.code;
    return [{ field: field || '(body)', rule, message: issue.message }];
  });
}

/** Parses with `schema` or throws InvalidRequestError naming every field and rule. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidRequestError(zodProblems(result.error));
  return result.data;
}

/** A start checked structurally, with the deployment's webhook as the Twilio status callback when none is given. */
export function prepareStart(value: unknown, defaults: { statusCallbackUrl?: string | undefined } = {}): ProvisionStart {
  const start = parseOrThrow(ProvisionStartSchema, value);
  if (start.provider === 'twilio' && !start.statusCallbackUrl && defaults.statusCallbackUrl) {
    return { ...start, statusCallbackUrl: defaults.statusCallbackUrl };
  }
  return start;
}
