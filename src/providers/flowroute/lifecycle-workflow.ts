/**
 * The life of a Flowroute name after provisioning, under the number's own workflow id:
 * - rename: a record for the new name (found or created, shared across numbers), its approval
 *   awaited, the number reassigned (Flowroute replaces its preset, so the old name shows until then),
 *   the association waited out, then the old record deleted if no number uses it any more;
 * - remove: `DELETE /v2/numbers/{n}/relationships/cnams`, then the record deleted when unused;
 * - adopt: reads what the number shows (a name set up in Flowroute Manage) and creates nothing.
 * Cancelled (or failed) renames and removals undo what they did, in reverse (core/workflow/undo).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { LifecycleResult, NumberOnlyInput } from '../../core/lifecycle';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import type { Operation } from '../../core/workflow/messages';
import { requireOptionsInBounds } from '../../core/workflow/options';
import { Progress } from '../../core/workflow/progress';
import { UndoLog, undoingOnCancel } from '../../core/workflow/undo';
import type { FlowrouteActivities } from './activities';
import type { CnamRecordView, FlowrouteRenameInput } from './contract';
import { FLOWROUTE_OPTIONS } from './options';
import { awaitApproval, awaitAssociationAndConfirm, findOrCreateRecord } from './steps';

const acts = proxyCnamActivities<FlowrouteActivities>('flowroute');

export async function renameFlowrouteCnam(input: FlowrouteRenameInput): Promise<LifecycleResult> {
  const { progress, undo } = start('rename', input.number, input.displayName);
  return progress.recordingFailure(() =>
    // A rename that fails (the new name rejected) takes back what it created: the old name stays, nothing is left over.
    undoingOnCancel(progress, undo, () => rename(input, progress, undo), { undoOnFailure: true }),
  );
}

export async function removeFlowrouteCnam(input: NumberOnlyInput): Promise<LifecycleResult> {
  const { progress, undo } = start('remove', input.number, '');
  return progress.recordingFailure(() =>
    undoingOnCancel(progress, undo, () => remove(input, progress, undo), { undoOnFailure: true }),
  );
}

export async function adoptFlowrouteCnam(input: NumberOnlyInput): Promise<LifecycleResult> {
  const { progress } = start('adopt', input.number, '');
  return progress.recordingFailure(async () => {
    const { e164, numberId } = await validNumber(input.number, progress);
    const current = await currentRecord(numberId, progress);
    if (!current)
      throw ApplicationFailure.create({
        type: FailureType.ProviderRefused,
        message: `Number ${e164} shows no CNAM at Flowroute: nothing to adopt (provision it instead).`,
        nonRetryable: true,
      });
    progress.validated(e164, current.value);
    progress.resource('cnamRecordId', current.id, { main: true });
    progress.status.approval = 'approved';
    progress.enter('completed', `Adopted: ${e164} shows "${current.value}" (Flowroute record ${current.id})`);
    return result('adopt', e164, {
      displayName: current.value,
      previousDisplayName: current.value,
      resources: { cnamRecordId: current.id },
      kept: [`record ${current.id} ("${current.value}") was found on ${e164}; nothing was created`],
    });
  });
}

async function rename(input: FlowrouteRenameInput, progress: Progress, undo: UndoLog): Promise<LifecycleResult> {
  requireOptionsInBounds(FLOWROUTE_OPTIONS, input);
  const request = await acts.validateProvisionRequest({
    provider: 'flowroute',
    number: input.number,
    displayName: input.displayName,
  });
  progress.validated(request.e164, request.displayName);
  const numberId = request.e164.slice(1);
  const old = await currentRecord(numberId, progress);
  if (!old)
    throw ApplicationFailure.create({
      type: FailureType.ProviderRefused,
      message: `Number ${request.e164} shows no CNAM at Flowroute: nothing to rename (provision it instead).`,
      nonRetryable: true,
    });
  // Flowroute stores values upper-cased: the same name in another case is the same record.
  if (old.value.toUpperCase() === request.displayName.toUpperCase()) {
    progress.enter('completed', `${request.e164} already shows "${old.value}": nothing to do`);
    return result('rename', request.e164, {
      displayName: old.value,
      previousDisplayName: old.value,
      resources: { cnamRecordId: old.id },
      kept: [`${request.e164} already shows "${old.value}" (record ${old.id}); nothing was changed`],
    });
  }

  progress.enter('creating-record');
  const { record } = await findOrCreateRecord(request.displayName, undo);
  progress.resource('cnamRecordId', record.id, { main: true });

  // The number keeps showing the old name all through the review: it is not touched until approval.
  progress.enter('awaiting-approval');
  await awaitApproval(input, record.id, progress);

  progress.enter('assigning');
  undo.push(`put record ${old.id} ("${old.value}") back on ${request.e164}`, () =>
    acts.setFlowrouteNumberCnam({ numberId, cnamId: old.id, onlyIfCarrying: record.id }),
  );
  await acts.assignFlowrouteCnam({ numberId, cnamId: record.id });
  const assignedAt = new Date().toISOString();

  const effectiveBy = await awaitAssociationAndConfirm(input, progress, {
    recordId: record.id,
    e164: request.e164,
    assignedAt,
  });

  const outcome = await deleteOldRecord(old, request.e164, progress, undo);
  progress.enter('completed');
  return result('rename', request.e164, {
    displayName: record.value,
    previousDisplayName: old.value,
    resources: { cnamRecordId: record.id },
    effectiveBy,
    ...outcome,
  });
}

async function remove(input: NumberOnlyInput, progress: Progress, undo: UndoLog): Promise<LifecycleResult> {
  const { e164, numberId } = await validNumber(input.number, progress);
  const old = await currentRecord(numberId, progress);
  if (!old) {
    progress.enter('completed', `${e164} shows no CNAM at Flowroute: nothing to remove`);
    return result('remove', e164, {
      displayName: null,
      previousDisplayName: null,
      kept: [`${e164} showed no CNAM; nothing was changed`],
    });
  }
  progress.validated(e164, old.value);

  progress.enter('unassigning');
  undo.push(`put record ${old.id} ("${old.value}") back on ${e164}`, () =>
    acts.setFlowrouteNumberCnam({ numberId, cnamId: old.id, onlyIfCarrying: null }),
  );
  await acts.setFlowrouteNumberCnam({ numberId, cnamId: null });

  const outcome = await deleteOldRecord(old, e164, progress, undo);
  progress.enter('completed', `"${old.value}" is off ${e164}`);
  return result('remove', e164, { displayName: null, previousDisplayName: old.value, ...outcome });
}

/**
 * The point of no return: a deleted record cannot be put back. Until the delete returns, a cancel
 * still puts the old record back on the number; after it, the run is committed and says so.
 */
async function deleteOldRecord(
  old: CnamRecordView,
  e164: string,
  progress: Progress,
  undo: UndoLog,
): Promise<{ deleted: string[]; kept: string[] }> {
  progress.enter('deleting-old');
  const deletion = await acts.deleteFlowrouteRecordIfUnused({ id: old.id });
  undo.commit(`${e164} no longer carries record ${old.id} ("${old.value}"): ${deletion.detail}`);
  return deletion.outcome === 'undone'
    ? { deleted: [`CNAM record ${old.id} ("${old.value}")`], kept: [] }
    : { deleted: [], kept: [`CNAM record ${old.id} ("${old.value}"): ${deletion.detail}`] };
}

function start(operation: Operation, number: string, displayName: string): { progress: Progress; undo: UndoLog } {
  const progress = new Progress({ provider: 'flowroute', label: 'Flowroute', number, displayName, operation });
  return { progress, undo: new UndoLog() };
}

async function validNumber(number: string, progress: Progress): Promise<{ e164: string; numberId: string }> {
  const { e164 } = await acts.validateNumber({ number });
  progress.validated(e164, progress.status.displayName);
  // Flowroute names a number by its E.164 digits without the plus.
  return { e164, numberId: e164.slice(1) };
}

/** The record the number carries now, or null; a number not on the account fails for good. */
async function currentRecord(numberId: string, progress: Progress): Promise<CnamRecordView | null> {
  progress.enter('reading-current');
  const { cnamPresetId } = await acts.requireFlowrouteNumber({ numberId, e164: `+${numberId}` });
  if (cnamPresetId === null) return null;
  const record = await acts.getFlowrouteCnamRecord({ id: cnamPresetId });
  progress.resource('previousCnamRecordId', record.id);
  return record;
}

function result(
  operation: LifecycleResult['operation'],
  number: string,
  fields: Partial<LifecycleResult> & Pick<LifecycleResult, 'displayName' | 'previousDisplayName'>,
): LifecycleResult {
  return {
    provider: 'flowroute',
    operation,
    number,
    resources: {},
    deleted: [],
    kept: [],
    effectiveBy: null,
    completedAt: new Date().toISOString(),
    ...fields,
  };
}
