/**
 * What the Twilio workflow takes and returns, written once in zod: the workflow's TypeScript types
 * are inferred from it (the workflow imports them as types only, so zod stays out of its bundle), and
 * the HTTP API, the typed client and the CLI derive their shapes from it.
 */
import { z } from 'zod';
import { displayName, phone, tuningFields } from '../../core/contract-fields';
import { renameBaseFields } from '../../core/lifecycle';
import type { RequestProblem } from '../../core/request-problem';
import { verificationSchema } from '../../core/verification-schema';
import { MAX_NUMBERS_PER_TRUST_PRODUCT, TWILIO_OPTIONS } from './options';

const BU_SID = /^BU[0-9a-f]{32}$/;

export const twilioInput = z.strictObject({
  /** The number to brand, any common US format; normalised to E.164 before any API call. */
  phoneNumber: phone,
  /** More numbers to put on the same Trust Product (one review for the set). */
  additionalPhoneNumbers: z
    .array(phone)
    .max(MAX_NUMBERS_PER_TRUST_PRODUCT - 1)
    .optional(),
  // Shapes only: the SID, email and URL rules are checked with the name rules (rule `format`), so every broken rule is reported together.
  businessProfileSid: z.string().max(34).meta({
    pattern: BU_SID.source,
    description: 'The Business Profile (CustomerProfile) SID: BU followed by 32 hex digits',
  }),
  displayName,
  notificationEmail: z
    .string()
    .max(254)
    .meta({ format: 'email', pattern: z.regexes.email.source, description: 'Where Twilio sends review notifications' }),
  statusCallbackUrl: z
    .string()
    .max(2048)
    .meta({
      format: 'uri',
      pattern: '^https?://',
      description: "An http(s) URL for Twilio status callbacks; defaults to the deployment's webhook",
    })
    .optional(),
  /**
   * Turn on Caller Name Lookup (CNAM dips on *incoming* calls, billed per call) as Twilio's guide does;
   * false skips it. It does not change the outbound name.
   */
  callerNameLookup: z.boolean().optional(),
  ...tuningFields(TWILIO_OPTIONS),
});

export type TwilioProvisionInput = z.infer<typeof twilioInput>;

/**
 * `cnam rename --provider twilio`: the number and the new name. The Business Profile and the email for
 * the new Trust Product are read from the one the number is on now; `notificationEmail` overrides the email.
 */
export const twilioRenameInput = z.strictObject({
  ...renameBaseFields,
  notificationEmail: twilioInput.shape.notificationEmail.optional(),
  statusCallbackUrl: twilioInput.shape.statusCallbackUrl,
  ...tuningFields(TWILIO_OPTIONS),
});

export type TwilioRenameInput = z.infer<typeof twilioRenameInput>;

const twilioFieldRules = z.object({
  businessProfileSid: z.string().regex(BU_SID, 'must be a Business Profile SID: BU followed by 32 hex digits'),
  notificationEmail: z.email('must be an email address'),
  statusCallbackUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  // A fleet file's cell that is no yes/no word arrives as text.
  callerNameLookup: z.boolean({ error: 'must be true or false (yes or no in a fleet file)' }).optional(),
});

/** The Twilio-only fields' rules: the Business Profile SID, the notification email, the callback URL. */
export function twilioFieldProblems(input: TwilioProvisionInput): RequestProblem[] {
  const result = twilioFieldRules.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => ({ field: i.path.join('.'), rule: 'format', message: i.message }));
}

const time = z.iso.datetime();
const sid = z.string();

export const twilioResult = z.object({
  provider: z.literal('twilio'),
  numbers: z.array(
    z.object({
      phoneNumber: z.string(),
      phoneNumberSid: sid,
      businessProfileAssignmentSid: sid,
      trustProductAssignmentSid: sid,
      /** Caller Name Lookup on the number: absent in runs from before it could be skipped (enabled). */
      callerNameLookup: z.enum(['enabled', 'skipped', 'unsupported']).optional(),
    }),
  ),
  displayName: z.string(),
  businessProfileSid: sid,
  trustProductSid: sid,
  endUserSid: sid,
  /** Empty when a rerun found the Trust Product already submitted: its entity assignments were made by the earlier run. */
  businessProfileEntityAssignmentSid: sid,
  endUserEntityAssignmentSid: sid,
  submittedAt: time,
  approvedAt: time,
  /** Null when Caller Name Lookup was skipped or no number could have it. */
  callerNameLookupEnabledAt: time.nullable(),
  propagatedBy: time,
  /** The CNAM dips after the propagation wait; absent in runs from before the `verifying` step. */
  verification: verificationSchema.optional(),
  completedAt: time,
});

export type TwilioProvisionResult = z.infer<typeof twilioResult>;
