/**
 * Validation of a provisioning request before anything is started or called: the CLI,
 * the API and the workflow's first activity all use this, so they agree on every rule.
 */
import { z } from 'zod';
import { checkName, type Provider } from '../core/names';
import { normalizeUsLongCode } from '../core/phone';

export interface ProvisionRequest {
  provider: Provider;
  number: string;
  displayName: string;
}

export interface ValidatedProvisionRequest {
  provider: Provider;
  /** E.164, e.g. +12065550100. */
  e164: string;
  /** Flowroute's number id: 11 digits, no plus. */
  flowrouteNumberId: string;
  /** The name after normalisation (straight quotes, single spaces), case as given. */
  displayName: string;
}

export interface RequestProblem {
  field: string;
  rule: string;
  message: string;
}

export type RequestCheck =
  | { ok: true; value: ValidatedProvisionRequest }
  | { ok: false; problems: RequestProblem[] };

/** Checks the number and the name against the provider's rules; reports every problem found. */
export function checkProvisionRequest(request: ProvisionRequest): RequestCheck {
  const problems: RequestProblem[] = [];
  const phone = normalizeUsLongCode(request.number);
  if (!phone.ok) problems.push({ field: 'number', rule: phone.rule, message: phone.message });
  const name = checkName(request.displayName, request.provider);
  for (const v of name.violations) problems.push({ field: 'displayName', rule: v.rule, message: v.message });
  if (!phone.ok || problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      provider: request.provider,
      e164: phone.e164,
      flowrouteNumberId: phone.flowrouteId,
      displayName: name.normalized,
    },
  };
}

const twilioFields = z.object({
  businessProfileSid: z.string().regex(/^BU[0-9a-f]{32}$/, 'must be a Business Profile SID: BU followed by 32 hex digits'),
  notificationEmail: z.email('must be an email address'),
  statusCallbackUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

/** The Twilio-only fields: the Business Profile SID, the notification email, the callback URL. */
export function checkTwilioFields(fields: { businessProfileSid: string; notificationEmail: string; statusCallbackUrl?: string | undefined }): RequestProblem[] {
  const result = twilioFields.safeParse(fields);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ field: i.path.join('.'), rule: 'format', message: i.message }));
}

/** Every broken rule as `field (rule): message`, joined by `separator`, for error messages. */
export function describeProblems(problems: RequestProblem[], separator = '; '): string {
  return problems.map((p) => `${p.field} (${p.rule}): ${p.message}`).join(separator);
}

