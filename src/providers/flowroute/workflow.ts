/**
 * Flowroute CNAM, as the tutorial tells it: validate the name → create (or reuse) the record →
 * wait for approval (up to 48 h) → assign it to the number → wait 5-7 business days → confirm.
 */
import { ApplicationFailure, patched, sleep } from '@temporalio/workflow';
import { acts } from '../../core/workflow/activity-options';
import type { CnamRecordView } from './activities';
import { FailureType } from '../../core/failures';
import type { FlowrouteProvisionInput, FlowrouteProvisionResult } from '../../core/workflow/messages';
import { durationOf, requireDurationsInBounds } from '../../core/workflow/durations';
import { pollUntilDecided } from '../../core/workflow/polling';
import { Progress, workflowNow } from '../../core/workflow/progress';

export const FLOWROUTE_DEFAULTS = {
  approvalTimeout: '96h',
  approvalPollInitial: '5m',
  approvalPollMax: '1h',
  associationBusinessDays: 7,
} as const;

export async function provisionFlowrouteCnam(input: FlowrouteProvisionInput): Promise<FlowrouteProvisionResult> {
  const progress = new Progress({ provider: 'flowroute', number: input.number, displayName: input.displayName });
  return progress.recordingFailure(() => provision(input, progress));
}

async function provision(input: FlowrouteProvisionInput, progress: Progress): Promise<FlowrouteProvisionResult> {
  requireDurationsInBounds(input);
  const request = await acts.validateProvisionRequest({ provider: 'flowroute', number: input.number, displayName: input.displayName });
  progress.validated(request.e164, request.displayName);
  // Before anything is created: a number not on the account would otherwise fail only at assignment,
  // after the whole review. Histories recorded before this check replay without it.
  if (patched('check-number-first')) await acts.requireFlowrouteNumber({ numberId: request.flowrouteNumberId, e164: request.e164 });

  progress.enter('creating-record');
  const { record, reusedExistingRecord } = await findOrCreateRecord(request.displayName);
  const recordId = record.id;
  progress.status.recordId = recordId;
  progress.resource('cnamRecordId', recordId);

  progress.enter('awaiting-approval');
  await awaitApproval(input, recordId, progress);
  progress.status.approval = 'approved';
  // Times are the workflow's own observations: one clock for the whole timeline and its waits.
  const approvedAt = workflowNow().toISOString();

  progress.enter('assigning');
  await acts.assignFlowrouteCnam({ numberId: request.flowrouteNumberId, cnamId: recordId });
  const assignedAt = workflowNow().toISOString();

  progress.enter('awaiting-propagation');
  const effectiveBy = input.associationWait !== undefined
    ? new Date(workflowNow().getTime() + durationOf('associationWait', input.associationWait)).toISOString()
    : (await acts.computeEffectiveBy({ from: assignedAt, businessDays: input.associationBusinessDays ?? FLOWROUTE_DEFAULTS.associationBusinessDays })).effectiveBy;
  progress.status.nextCheckAt = effectiveBy;
  progress.details(`Record ${recordId} is assigned to ${request.e164}; Flowroute's association takes effect by ${effectiveBy}`);
  const remaining = new Date(effectiveBy).getTime() - workflowNow().getTime();
  if (remaining > 0) await sleep(remaining, { summary: `Flowroute association of record ${recordId} takes effect by ${effectiveBy}` });

  progress.enter('confirming');
  const { cnamPresetId } = await acts.getFlowrouteNumberCnam({ numberId: request.flowrouteNumberId });
  if (cnamPresetId !== recordId) {
    throw ApplicationFailure.create({
      type: FailureType.AssignmentNotConfirmed,
      message: `Number ${request.e164} carries CNAM record ${cnamPresetId ?? 'none'} instead of ${recordId}; it was changed after we assigned it.`,
      nonRetryable: true,
    });
  }

  progress.enter('completed');
  return {
    provider: 'flowroute',
    number: request.e164,
    numberId: request.flowrouteNumberId,
    displayName: record.value,
    cnamRecordId: recordId,
    reusedExistingRecord,
    approvedAt,
    assignedAt,
    effectiveBy,
    confirmedAt: workflowNow().toISOString(),
  };
}

/** Reuses a record with this value on the account (a rerun, or a name already stored), else creates one. */
async function findOrCreateRecord(value: string): Promise<{ record: CnamRecordView; reusedExistingRecord: boolean }> {
  const existing = await acts.findFlowrouteCnamRecord({ value });
  if (existing) return { record: existing, reusedExistingRecord: true };
  const created = await acts.createFlowrouteCnamRecord({ value });
  return { record: created.record, reusedExistingRecord: !created.created };
}

/** Polls the record over Flowroute's up-to-48-hour review; a rejection fails with Flowroute's reason. */
async function awaitApproval(input: FlowrouteProvisionInput, recordId: string, progress: Progress): Promise<void> {
  progress.status.approval = 'pending';
  const timeout = input.approvalTimeout ?? FLOWROUTE_DEFAULTS.approvalTimeout;
  await pollUntilDecided<true>(
    progress,
    {
      timeout: ['approvalTimeout', timeout],
      initialInterval: ['approvalPollInitial', input.approvalPollInitial ?? FLOWROUTE_DEFAULTS.approvalPollInitial],
      maxInterval: ['approvalPollMax', input.approvalPollMax ?? FLOWROUTE_DEFAULTS.approvalPollMax],
    },
    async () => {
      const current = await acts.getFlowrouteCnamRecord({ id: recordId });
      if (current.isApproved) return { decided: true, value: true };
      if (current.rejectionReason) {
        progress.status.approval = 'rejected';
        throw ApplicationFailure.create({
          type: FailureType.CnamRejected,
          message: `Flowroute rejected CNAM record ${recordId} ("${current.value}"): ${current.rejectionReason}`,
          nonRetryable: true,
          details: [{ recordId, rejectionReason: current.rejectionReason }],
        });
      }
      return { decided: false };
    },
    {
      describeWait: (at) => `waiting for Flowroute approval of record ${recordId}, next check ${at.toISOString()}`,
      timedOut: `Flowroute did not decide on CNAM record ${recordId} within ${String(timeout)}; the record is kept, start again to keep waiting.`,
    },
  );
}
