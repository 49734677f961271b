/**
 * The status, query and messages every provisioning workflow shares. Imported by the workflows and,
 * for the definitions, by the application layer (`@temporalio/workflow` definitions are plain
 * objects outside a workflow). Provider-specific messages live with their provider's workflow.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Verification } from '../verification';

/** Where a provisioning is; one vocabulary for every provider so status looks the same. */
export const PROVISION_STEPS = [
  'validating',
  'creating-record',
  'preparing-trust-product',
  'submitting',
  'awaiting-approval',
  'assigning',
  'enabling-lookup',
  'awaiting-propagation',
  'confirming',
  // After the wait: CNAM dips (Twilio Lookup) until the name shows on the network or the bound passes.
  'verifying',
  // Rename, remove and adopt (src/core/lifecycle.ts): reading what the number shows now, taking it off,
  // moving it onto the new name's Trust Product, deleting what no number uses any more.
  'reading-current',
  'unassigning',
  'moving-number',
  'deleting-old',
  // Cancelled (or a rename that failed): undoing what this run created, then ended.
  'undoing',
  'cancelled',
  'completed',
  'failed',
] as const;

export type ProvisionStep = (typeof PROVISION_STEPS)[number];

export const APPROVAL_STATES = ['not-submitted', 'pending', 'approved', 'rejected'] as const;

export type ApprovalState = (typeof APPROVAL_STATES)[number];

export interface StepRecord {
  step: ProvisionStep;
  /** ISO-8601 time the step started. */
  at: string;
}

/** What a run does to a number; provisionings started before this field existed report none (`provision`). */
export const OPERATIONS = ['provision', 'rename', 'remove', 'adopt'] as const;

export type Operation = (typeof OPERATIONS)[number];

/** One undo step's outcome, after a cancel (or a failed rename or removal). */
export interface UndoOutcome {
  /** What the step undoes, e.g. `delete CNAM record 24141`. */
  step: string;
  /** `undone`; `nothing` when there was nothing to undo; `kept` when it cannot be undone (`detail` says why); `failed` when the provider refused. */
  outcome: 'undone' | 'nothing' | 'kept' | 'failed';
  detail: string;
}

/** The answer of the `getStatus` query, for any provider. */
export interface ProvisionStatus {
  /** The provider's id in the registry, e.g. 'flowroute'. */
  provider: string;
  number: string;
  displayName: string;
  step: ProvisionStep;
  approval: ApprovalState;
  /** The provider's main resource under review (the CNAM record, the Trust Product). */
  recordId: string | null;
  /** Every provider resource created or reused so far, by role (e.g. `cnamRecordId`, `trustProductSid`). */
  resources: Record<string, string>;
  /** ISO-8601 time of the next provider check or the end of the current wait; null when not waiting. */
  nextCheckAt: string | null;
  /** Every step entered so far with its start time, the current one last. */
  stepsDone: StepRecord[];
  /** Why the provisioning failed, when it did. */
  failure: string | null;
  /** The operation; absent in runs started before rename, remove and adopt existed (those are provisionings). */
  operation?: Operation;
  /** After a cancel (or a failed rename or removal): each undo step in the order run, with what it did. */
  undo?: UndoOutcome[];
  /** From the `verifying` step on: what CNAM dips say the network shows; absent before, and in runs without the step. */
  verification?: Verification;
}

/** Current step, ids, approval state, next check time and the steps done. */
export const getStatus = defineQuery<ProvisionStatus>('getStatus');

/** What `checkNow` answers: the check starts at once; its outcome shows in the status. */
export interface CheckNowAccepted {
  step: ProvisionStep;
}

/**
 * Ask a provisioning waiting on the provider's review to check now instead of at its next scheduled
 * check. An Update, so a provisioning that is not waiting refuses it with the reason (its validator),
 * and the caller learns that from the same call.
 */
export const checkNow = defineUpdate<CheckNowAccepted>('checkNow');

/**
 * The signal `checkNow` was before it became an update. Still handled, so that a run signalled
 * before the change replays (the signal ended a wait early there) and old clients keep working.
 */
export const checkNowSignal = defineSignal('checkNow');
