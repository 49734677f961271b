/**
 * What the Flowroute workflow takes and returns, written once in zod: the workflow's TypeScript types
 * are inferred from it (the workflow imports them as types only, so zod stays out of its bundle), and
 * the HTTP API, the typed client and the CLI derive their shapes from it.
 */
import { z } from 'zod';
import { verificationSchema } from '../../core/verification-schema';
import type { CnamRecord } from './client';
import { displayName, phone, tuningFields } from '../../core/contract-fields';
import { renameBaseFields } from '../../core/lifecycle';
import { FLOWROUTE_OPTIONS, MAX_NUMBERS_PER_RECORD } from './options';

export const flowrouteInput = z.strictObject({
  /** Any common US format; normalised to E.164 before any API call. */
  number: phone,
  /** More numbers to give the same name: one record, created and reviewed once, assigned to each (a fleet's group). */
  additionalNumbers: z
    .array(phone)
    .max(MAX_NUMBERS_PER_RECORD - 1)
    .optional(),
  displayName,
  ...tuningFields(FLOWROUTE_OPTIONS),
});

export type FlowrouteProvisionInput = z.infer<typeof flowrouteInput>;

/** One number's outcome: assigned and confirmed, or failed with the reason (the others go on). */
const numberOutcome = z.object({
  number: z.string(),
  /** Flowroute's id of the number: its 11 digits without the plus. */
  numberId: z.string(),
  state: z.enum(['assigned', 'failed']),
  failure: z.string().nullable(),
});

export type FlowrouteNumberOutcome = z.infer<typeof numberOutcome>;

const time = z.iso.datetime();

export const flowrouteResult = z.object({
  provider: z.literal('flowroute'),
  number: z.string(),
  /** Flowroute's id of the number: its 11 digits without the plus. */
  numberId: z.string(),
  displayName: z.string(),
  cnamRecordId: z.string(),
  reusedExistingRecord: z.boolean(),
  approvedAt: time,
  assignedAt: time,
  effectiveBy: time,
  confirmedAt: time,
  /** The CNAM dips after the association; absent in runs from before the `verifying` step. */
  verification: verificationSchema.optional(),
  /** Every number of the input, the first included. */
  numbers: z.array(numberOutcome),
});

export type FlowrouteProvisionResult = z.infer<typeof flowrouteResult>;

/** A CNAM record as the workflow sees it (plain JSON, no secrets): what the client reads, minus the numbers it is on. */
export type CnamRecordView = Omit<CnamRecord, 'numberIds'>;

/** `cnam rename --provider flowroute`: the number, the new name, and the provisioning's tuning options (review and association waits). */
export const flowrouteRenameInput = z.strictObject({ ...renameBaseFields, ...tuningFields(FLOWROUTE_OPTIONS) });

export type FlowrouteRenameInput = z.infer<typeof flowrouteRenameInput>;
