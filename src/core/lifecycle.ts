/**
 * The life of a name after it is provisioned: rename, remove, adopt. Each is a workflow per provider
 * (src/providers/<p>/lifecycle-workflow.ts) under the number's own workflow id, so one number has at
 * most one run at a time, whatever it does. Written once in zod: the workflows import the types only.
 */
import { z } from 'zod';
import { displayName, phone } from './contract-fields';

export const LIFECYCLE_OPERATIONS = ['rename', 'remove', 'adopt'] as const;

export type LifecycleOperation = (typeof LIFECYCLE_OPERATIONS)[number];

/** What remove and adopt take: the number, nothing else (they read the rest from the provider). */
export const numberOnlyInput = z.strictObject({ number: phone });

export type NumberOnlyInput = z.infer<typeof numberOnlyInput>;

/** The fields every provider's rename takes; each provider adds its tuning options (and Twilio its optional email and callback). */
export const renameBaseFields = { number: phone, displayName };

export interface RenameBaseInput {
  number: string;
  displayName: string;
}

const time = z.iso.datetime();

/** What a rename, removal or adoption returns, for any provider. */
export const lifecycleResult = z.object({
  provider: z.string(),
  operation: z.enum(LIFECYCLE_OPERATIONS),
  number: z.string(),
  /** The name the number shows (or will, once propagated); null after a removal, or when it showed none. */
  displayName: z.string().nullable(),
  /** The name it showed before this run; null when none. */
  previousDisplayName: z.string().nullable(),
  /** The provider resources behind the name now, by role (e.g. `cnamRecordId`, `trustProductSid`, `endUserSid`). */
  resources: z.record(z.string(), z.string()),
  /** What this run deleted because no number used it any more, e.g. `CNAM record 24141`. */
  deleted: z.array(z.string()),
  /** What it left in place and why, e.g. a Trust Product other numbers are still on. */
  kept: z.array(z.string()),
  /** When carriers show the new name (rename), or null. */
  effectiveBy: time.nullable(),
  completedAt: time,
});

export type LifecycleResult = z.infer<typeof lifecycleResult>;
