/**
 * Request shapes shared by the HTTP API and the typed client: the structure is checked here,
 * the business rules (names, numbers, SIDs) by startProvision, so both agree on every rule.
 */
import { z } from 'zod';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ProvisionStep } from '../workflows/messages';
import type { RequestProblem } from '../provisioning/request';
import { InvalidRequestError, type ProvisionStart } from '../provisioning/service';

/** Temporal durations: milliseconds, or strings such as '30s', '5m', '48h', '14d'. */
const durationCheck = z.union([z.number(), z.string()]).refine(
  (v) => {
    try {
      return msToNumber(v as Duration) > 0;
    } catch {
      return false;
    }
  },
  { message: "must be a positive duration: milliseconds or a string such as '30s', '5m', '48h'", params: { rule: 'duration' } },
);
// The refinement guarantees what the type cannot say: the string is one of ms's formats.
const duration = durationCheck as unknown as z.ZodType<Duration, string | number>;

export const FlowrouteStartSchema = z.strictObject({
  provider: z.literal('flowroute'),
  number: z.string(),
  displayName: z.string(),
  approvalTimeout: duration.optional(),
  approvalPollInitial: duration.optional(),
  approvalPollMax: duration.optional(),
  associationBusinessDays: z.number().int().min(1).max(30).optional(),
  associationWait: duration.optional(),
}).meta({ id: 'FlowrouteStart' });

export const TwilioStartSchema = z.strictObject({
  provider: z.literal('twilio'),
  phoneNumber: z.string(),
  additionalPhoneNumbers: z.array(z.string()).max(50).optional(),
  businessProfileSid: z.string(),
  displayName: z.string(),
  notificationEmail: z.string(),
  statusCallbackUrl: z.string().optional(),
  reviewTimeout: duration.optional(),
  reviewPollInitial: duration.optional(),
  reviewPollMax: duration.optional(),
  propagationWait: duration.optional(),
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
  number: z.string().min(1).optional(),
  step: z.enum(PROVISION_STEPS).optional(),
  state: z.enum(EXECUTION_STATES).optional(),
  pageSize: z.coerce.number().int().min(1).max(1000).optional(),
});
export type ProvisionFilter = z.infer<typeof ProvisionFilterSchema>;

/** Ids the API accepts: the ones provisionWorkflowId derives (no access to unrelated workflows). */
export const ProvisionIdSchema = z.string().regex(/^cnam-(flowroute|twilio)-[0-9]{8,15}$/, 'must be a provisioning id such as cnam-flowroute-12065550100');

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
