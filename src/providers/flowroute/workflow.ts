/**
 * Flowroute CNAM, as the tutorial tells it: validate the name → create (or reuse) the record →
 * wait for approval (up to 48 h) → assign it to the number → wait 5-7 business days → confirm.
 */
import { ApplicationFailure, patched, sleep } from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionGiven, optionValue, requireOptionsInBounds } from '../../core/workflow/options';
import { pollUntilDecided } from '../../core/workflow/polling';
import { Progress } from '../../core/workflow/progress';
import type { FlowrouteActivities } from './activities';
import type { CnamRecordView, FlowrouteProvisionInput, FlowrouteProvisionResult } from './contract';
import { FLOWROUTE_OPTIONS } from './options';

const acts = proxyCnamActivities<FlowrouteActivities>();

export async function provisionFlowrouteCnam(input: FlowrouteProvisionInput): Promise<FlowrouteProvisionResult> {
  const progress = new Progress({
    provider: 'flowroute',
    label: 'Flowroute',
    number: input.number,
    displayName: input.displayName,
  });
  return progress.recordingFailure(() => provision(input, progress));
}

async function provision(input: FlowrouteProvisionInput, progress: Progress): Promise<FlowrouteProvisionResult> {
  requireOptionsInBounds(FLOWROUTE_OPTIONS, input);
  const request = await acts.validateProvisionRequest({
    provider: 'flowroute',
    number: input.number,
    displayName: input.displayName,
  });
  progress.validated(request.e164, request.displayName);
  // Flowroute names a number by its E.164 digits without the plus.
  const numberId = request.e164.slice(1);
  // Before anything is created: a number not on the account would otherwise fail only at assignment,
  // after the whole review. Histories recorded before this check replay without it.
  if (patched('check-number-first')) await acts.requireFlowrouteNumber({ numberId, e164: request.e164 });

  progress.enter('creating-record');
  const { record, reusedExistingRecord } = await findOrCreateRecord(request.displayName);
  const recordId = record.id;
  progress.resource('cnamRecordId', recordId, { main: true });

  progress.enter('awaiting-approval');
  await awaitApproval(input, recordId, progress);
  // Times are the workflow's own observations: one clock for the whole timeline and its waits.
  const approvedAt = new Date().toISOString();

  progress.enter('assigning');
  await acts.assignFlowrouteCnam({ numberId, cnamId: recordId });
  const assignedAt = new Date().toISOString();

  progress.enter('awaiting-propagation');
  const effectiveBy = await associationEffectiveBy(input, assignedAt);
  progress.status.nextCheckAt = effectiveBy;
  progress.details(
    `Record ${recordId} is assigned to ${request.e164}; Flowroute's association takes effect by ${effectiveBy}`,
  );
  const remaining = new Date(effectiveBy).getTime() - Date.now();
  if (remaining > 0)
    await sleep(remaining, { summary: `Flowroute association of record ${recordId} takes effect by ${effectiveBy}` });

  progress.enter('confirming');
  const { cnamPresetId } = await acts.getFlowrouteNumberCnam({ numberId });
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
    numberId,
    displayName: record.value,
    cnamRecordId: recordId,
    reusedExistingRecord,
    approvedAt,
    assignedAt,
    effectiveBy,
    confirmedAt: new Date().toISOString(),
  };
}

/** Reuses a record with this value on the account (a rerun, or a name already stored), else creates one. */
async function findOrCreateRecord(value: string): Promise<{ record: CnamRecordView; reusedExistingRecord: boolean }> {
  const existing = await acts.findFlowrouteCnamRecord({ value });
  if (existing) return { record: existing, reusedExistingRecord: true };
  const created = await acts.createFlowrouteCnamRecord({ value });
  return { record: created.record, reusedExistingRecord: !created.created };
}

/** When the association takes effect: the business days Flowroute documents, or the demo/test override. */
async function associationEffectiveBy(input: FlowrouteProvisionInput, assignedAt: string): Promise<string> {
  if (input.associationWait !== undefined) {
    return new Date(
      new Date(assignedAt).getTime() + optionValue(FLOWROUTE_OPTIONS, input, 'associationWait'),
    ).toISOString();
  }
  const businessDays = optionValue(FLOWROUTE_OPTIONS, input, 'associationBusinessDays');
  return (await acts.computeEffectiveBy({ from: assignedAt, businessDays })).effectiveBy;
}

/** Polls the record over Flowroute's up-to-48-hour review; a rejection fails with Flowroute's reason. */
async function awaitApproval(input: FlowrouteProvisionInput, recordId: string, progress: Progress): Promise<void> {
  progress.status.approval = 'pending';
  await pollUntilDecided(
    progress,
    {
      timeoutMs: optionValue(FLOWROUTE_OPTIONS, input, 'approvalTimeout'),
      initialIntervalMs: optionValue(FLOWROUTE_OPTIONS, input, 'approvalPollInitial'),
      maxIntervalMs: optionValue(FLOWROUTE_OPTIONS, input, 'approvalPollMax'),
    },
    async () => {
      const current = await acts.getFlowrouteCnamRecord({ id: recordId });
      if (current.isApproved) return true;
      if (current.rejectionReason) {
        progress.status.approval = 'rejected';
        throw ApplicationFailure.create({
          type: FailureType.CnamRejected,
          message: `Flowroute rejected CNAM record ${recordId} ("${current.value}"): ${current.rejectionReason}`,
          nonRetryable: true,
          details: [{ recordId, rejectionReason: current.rejectionReason }],
        });
      }
      return false;
    },
    {
      describeWait: (at) => `waiting for Flowroute approval of record ${recordId}, next check ${at.toISOString()}`,
      timedOut: `Flowroute did not decide on CNAM record ${recordId} within ${String(optionGiven(FLOWROUTE_OPTIONS, input, 'approvalTimeout'))}; the record is kept, start again to keep waiting.`,
    },
  );
  progress.status.approval = 'approved';
}
