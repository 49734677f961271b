/**
 * Inputs, results, signals and queries of the provisioning workflows. Shared by the
 * workflows, the CLI, the API and the tests: only `@temporalio/workflow` is imported here.
 */
import type { DurationInput } from '../duration';
import { defineQuery, defineSignal } from '@temporalio/workflow';

export type ProvisionProvider = 'flowroute' | 'twilio';

/** Where a provisioning is; one vocabulary for both providers so status looks the same. */
export type ProvisionStep =
  | 'validating'
  | 'creating-record'
  | 'preparing-trust-product'
  | 'submitting'
  | 'awaiting-approval'
  | 'assigning'
  | 'enabling-lookup'
  | 'awaiting-propagation'
  | 'confirming'
  | 'completed'
  | 'failed';

export type ApprovalState = 'not-submitted' | 'pending' | 'approved' | 'rejected';

export interface StepRecord {
  step: ProvisionStep;
  /** ISO-8601 time the step started. */
  at: string;
}

/** The answer of the `status` query, for either provider. */
export interface ProvisionStatus {
  provider: ProvisionProvider;
  number: string;
  displayName: string;
  step: ProvisionStep;
  approval: ApprovalState;
  /** Flowroute CNAM record id, or the Twilio Trust Product SID. */
  recordId: string | null;
  /** Every provider resource created or reused so far, by role (e.g. `cnamRecordId`, `trustProductSid`). */
  resources: Record<string, string>;
  /** ISO-8601 time of the next provider check or the end of the current wait; null when not waiting. */
  nextCheckAt: string | null;
  stepsDone: StepRecord[];
  /** Why the provisioning failed, when it did. */
  failure: string | null;
}

/** Durations: milliseconds or strings such as '30s', '5m', '48h', each within the bounds of domain/duration. */
export type { DurationInput };

export interface FlowrouteProvisionInput {
  /** Any common US format; normalised to E.164 before any API call. */
  number: string;
  displayName: string;
  /** Give up waiting for Flowroute's approval after this long. Default 96h (Flowroute says up to 48h). */
  approvalTimeout?: DurationInput;
  /** First and longest interval between approval checks (doubling in between). Defaults 5m and 1h. */
  approvalPollInitial?: DurationInput;
  approvalPollMax?: DurationInput;
  /** Business days to wait for the number association to take effect. Default 7 (Flowroute says 5-7). */
  associationBusinessDays?: number;
  /** Demo/test override: wait this long instead of business days for the association. */
  associationWait?: DurationInput;
}

export interface FlowrouteProvisionResult {
  provider: 'flowroute';
  number: string;
  numberId: string;
  displayName: string;
  cnamRecordId: string;
  reusedExistingRecord: boolean;
  approvedAt: string;
  assignedAt: string;
  effectiveBy: string;
  confirmedAt: string;
}

export interface TwilioProvisionInput {
  /** The number to brand, any common US format; normalised to E.164 before any API call. */
  phoneNumber: string;
  /** More numbers to put on the same Trust Product (one review for the set). */
  additionalPhoneNumbers?: string[];
  /** An approved Trust Hub Business Profile (BU…). */
  businessProfileSid: string;
  displayName: string;
  /** Where Twilio sends Trust Hub notifications. */
  notificationEmail: string;
  /** Public URL Twilio POSTs status changes to (our webhook receiver), if one is deployed. */
  statusCallbackUrl?: string;
  /** Give up waiting for Twilio's review after this long. Default 14d. */
  reviewTimeout?: DurationInput;
  /** First and longest interval between review checks. Defaults 10m and 2h (callbacks wake it sooner). */
  reviewPollInitial?: DurationInput;
  reviewPollMax?: DurationInput;
  /** How long carriers take to pick the name up after approval. Default 72h (Twilio says 48-72 h). */
  propagationWait?: DurationInput;
}

export interface TwilioProvisionResult {
  provider: 'twilio';
  numbers: { phoneNumber: string; phoneNumberSid: string; businessProfileAssignmentSid: string; trustProductAssignmentSid: string }[];
  displayName: string;
  businessProfileSid: string;
  trustProductSid: string;
  endUserSid: string;
  businessProfileEntityAssignmentSid: string;
  endUserEntityAssignmentSid: string;
  submittedAt: string;
  approvedAt: string;
  callerNameLookupEnabledAt: string;
  propagatedBy: string;
  completedAt: string;
}

/** What Twilio's status callback said; a hint only: the workflow re-reads the Trust Product. */
export interface TrustProductStatusHint {
  trustProductSid?: string;
  status?: string;
}

/** Delivered by the webhook receiver when Twilio calls the Trust Product's status callback. */
export const trustProductStatusChanged = defineSignal<[TrustProductStatusHint]>('trustProductStatusChanged');

/** Ask a waiting workflow to check with the provider now instead of at its next scheduled check. */
export const checkNow = defineSignal('checkNow');

/** Current step, ids, approval state, next check time and the steps done. */
export const getStatus = defineQuery<ProvisionStatus>('getStatus');
