/**
 * The steps the Flowroute workflows share (provision, rename): find or create the record, wait for
 * its review, and when the association takes effect.
 */
import { ApplicationFailure, sleep } from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionGiven, optionValue } from '../../core/workflow/options';
import { pollUntilDecided } from '../../core/workflow/polling';
import type { Progress } from '../../core/workflow/progress';
import type { UndoLog } from '../../core/workflow/undo';
import type { FlowrouteActivities } from './activities';
import type { CnamRecordView } from './contract';
import { FLOWROUTE_OPTIONS, type FlowrouteTuning } from './options';

const acts = proxyCnamActivities<FlowrouteActivities>('flowroute');

/**
 * Reuses a record with this value on the account (a rerun, or a name already stored), else creates
 * one, first registering its undo: a record this run creates is deleted on cancel unless a number uses it.
 */
export async function findOrCreateRecord(
  value: string,
  undo: UndoLog,
): Promise<{ record: CnamRecordView; reusedExistingRecord: boolean }> {
  const existing = await acts.findFlowrouteCnamRecord({ value });
  if (existing) return { record: existing, reusedExistingRecord: true };
  // By value, not id: a create whose response was lost (or that lands after the cancel) is found too.
  undo.push(`delete the CNAM record "${value}" unless a number uses it`, () =>
    acts.deleteFlowrouteRecordIfUnused({ value }),
  );
  const created = await acts.createFlowrouteCnamRecord({ value });
  return { record: created.record, reusedExistingRecord: !created.created };
}

/**
 * After the assignment: waits until Flowroute's association takes effect (progress shows when), then
 * confirms the number carries the record; a number changed in the meantime fails the run. Returns when it took effect.
 */
export async function awaitAssociationAndConfirm(
  input: FlowrouteTuning,
  progress: Progress,
  assigned: { recordId: string; e164: string; assignedAt: string },
): Promise<string> {
  const { recordId, e164 } = assigned;
  progress.enter('awaiting-propagation');
  const effectiveBy = await associationEffectiveBy(input, assigned.assignedAt);
  progress.status.nextCheckAt = effectiveBy;
  progress.details(`Record ${recordId} is assigned to ${e164}; Flowroute's association takes effect by ${effectiveBy}`);
  const remaining = new Date(effectiveBy).getTime() - Date.now();
  if (remaining > 0)
    await sleep(remaining, { summary: `Flowroute association of record ${recordId} takes effect by ${effectiveBy}` });

  progress.enter('confirming');
  // Flowroute names a number by its E.164 digits without the plus.
  const { cnamPresetId } = await acts.getFlowrouteNumberCnam({ numberId: e164.slice(1) });
  if (cnamPresetId !== recordId) {
    throw ApplicationFailure.create({
      type: FailureType.AssignmentNotConfirmed,
      message: `Number ${e164} carries CNAM record ${cnamPresetId ?? 'none'} instead of ${recordId}; it was changed after we assigned it.`,
      nonRetryable: true,
    });
  }
  return effectiveBy;
}

/** When the association takes effect: the business days Flowroute documents, or the demo/test override. */
export async function associationEffectiveBy(input: FlowrouteTuning, assignedAt: string): Promise<string> {
  if (input.associationWait !== undefined) {
    return new Date(
      new Date(assignedAt).getTime() + optionValue(FLOWROUTE_OPTIONS, input, 'associationWait'),
    ).toISOString();
  }
  const businessDays = optionValue(FLOWROUTE_OPTIONS, input, 'associationBusinessDays');
  return (await acts.computeEffectiveBy({ from: assignedAt, businessDays })).effectiveBy;
}

/** Polls the record over Flowroute's up-to-48-hour review; a rejection fails with Flowroute's reason. */
export async function awaitApproval(input: FlowrouteTuning, recordId: string, progress: Progress): Promise<void> {
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
