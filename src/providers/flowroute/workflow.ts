/**
 * Flowroute CNAM, as the tutorial tells it: validate the name → create (or reuse) the record →
 * wait for approval (up to 48 h) → assign it to the number → wait 5-7 business days → confirm.
 * With `additionalNumbers` (a fleet's group) the record is created and awaited once and assigned to
 * every number; a number Flowroute refuses fails alone, the others go on.
 */
import { ActivityFailure, ApplicationFailure, patched, sleep } from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionValue, requireOptionsInBounds } from '../../core/workflow/options';
import { verifyShowing } from '../../core/workflow/verify';
import type { Verification } from '../../core/verification';
import { Progress } from '../../core/workflow/progress';
import { UndoLog, undoingOnCancel } from '../../core/workflow/undo';
import type { FlowrouteActivities } from './activities';
import type { FlowrouteNumberOutcome, FlowrouteProvisionInput, FlowrouteProvisionResult } from './contract';
import { FLOWROUTE_OPTIONS } from './options';
import { associationEffectiveBy, awaitApproval, awaitAssociationAndConfirm, findOrCreateRecord } from './steps';

/** Assignments in flight at once in a group; the server's rate limit on the Flowroute queue sets the pace. */
const ASSIGN_CONCURRENCY = 50;

const acts = proxyCnamActivities<FlowrouteActivities>('flowroute');

export async function provisionFlowrouteCnam(input: FlowrouteProvisionInput): Promise<FlowrouteProvisionResult> {
  const progress = new Progress({
    provider: 'flowroute',
    label: 'Flowroute',
    number: input.number,
    displayName: input.displayName,
  });
  // Cancel means undo: what this run created (a record, an assignment) is taken back, see core/workflow/undo.
  const undo = new UndoLog();
  return progress.recordingFailure(() =>
    undoingOnCancel(progress, undo, () =>
      input.additionalNumbers?.length ? provisionGroup(input, progress, undo) : provision(input, progress, undo),
    ),
  );
}

async function provision(
  input: FlowrouteProvisionInput,
  progress: Progress,
  undo: UndoLog,
): Promise<FlowrouteProvisionResult> {
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
  const previous = patched('check-number-first')
    ? await acts.requireFlowrouteNumber({ numberId, e164: request.e164 })
    : { cnamPresetId: null };

  progress.enter('creating-record');
  const { record, reusedExistingRecord } = await findOrCreateRecord(request.displayName, undo);
  const recordId = record.id;
  progress.resource('cnamRecordId', recordId, { main: true });

  progress.enter('awaiting-approval');
  await awaitApproval(input, recordId, progress);
  // Times are the workflow's own observations: one clock for the whole timeline and its waits.
  const approvedAt = new Date().toISOString();

  progress.enter('assigning');
  undo.push(
    `put ${previous.cnamPresetId === null ? 'no CNAM' : `record ${previous.cnamPresetId}`} back on ${request.e164}`,
    () => acts.setFlowrouteNumberCnam({ numberId, cnamId: previous.cnamPresetId, onlyIfCarrying: recordId }),
  );
  await acts.assignFlowrouteCnam({ numberId, cnamId: recordId });
  const assignedAt = new Date().toISOString();

  const effectiveBy = await awaitAssociationAndConfirm(input, progress, { recordId, e164: request.e164, assignedAt });
  const verification = await verify(input, progress, [request.e164], record.value);

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
    ...(verification && { verification }),
    numbers: [{ number: request.e164, numberId, state: 'assigned', failure: null }],
  };
}

/** One record for many numbers: validated together, created and awaited once, assigned to each, confirmed in one read. */
async function provisionGroup(
  input: FlowrouteProvisionInput,
  progress: Progress,
  undo: UndoLog,
): Promise<FlowrouteProvisionResult> {
  requireOptionsInBounds(FLOWROUTE_OPTIONS, input);
  const group = await acts.validateProvisionGroup({
    provider: 'flowroute',
    numbers: [input.number, ...(input.additionalNumbers ?? [])],
    displayName: input.displayName,
  });
  const failures = new Map<string, string>(group.refused.map((r) => [r.number, r.reason]));
  const numbers = [...new Set(group.valid)];
  if (numbers.length === 0) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      message: `Invalid provisioning request: no valid number (${group.refused.map((r) => `${r.number}: ${r.reason}`).join('; ')})`,
      nonRetryable: true,
    });
  }
  progress.validated(numbers[0]!, group.displayName);

  progress.enter('creating-record');
  const { record, reusedExistingRecord } = await findOrCreateRecord(group.displayName, undo);
  const recordId = record.id;
  progress.resource('cnamRecordId', recordId, { main: true });

  progress.enter('awaiting-approval');
  await awaitApproval(input, recordId, progress);
  const approvedAt = new Date().toISOString();

  progress.enter('assigning');
  const assigned: string[] = [];
  // A sliding window, not batches: the provider queue's rate limit, not the slowest call of a batch, sets the pace.
  let next = 0;
  const assignNext = async (): Promise<void> => {
    while (next < numbers.length) {
      const e164 = numbers[next++]!;
      undo.push(`take record ${recordId} off ${e164}`, () =>
        acts.setFlowrouteNumberCnam({ numberId: e164.slice(1), cnamId: null, onlyIfCarrying: recordId }),
      );
      try {
        await acts.assignFlowrouteCnam({ numberId: e164.slice(1), cnamId: recordId });
        assigned.push(e164);
      } catch (err) {
        // A permanent refusal (e.g. not on this account) fails this number only; anything else fails the group.
        if (!(err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable))
          throw err;
        failures.set(e164, err.cause.message);
      }
      if ((assigned.length + failures.size) % ASSIGN_CONCURRENCY === 0 || next === numbers.length) {
        progress.details(
          `Assigned record ${recordId} to ${assigned.length} of ${numbers.length} numbers (${failures.size} failed)`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ASSIGN_CONCURRENCY, numbers.length) }, assignNext));
  if (assigned.length === 0) throw groupFailure(recordId, failures);
  const assignedAt = new Date().toISOString();

  progress.enter('awaiting-propagation');
  const effectiveBy = await associationEffectiveBy(input, assignedAt);
  progress.status.nextCheckAt = effectiveBy;
  progress.details(
    `Record ${recordId} is assigned to ${assigned.length} numbers; Flowroute's association takes effect by ${effectiveBy}`,
  );
  const remaining = new Date(effectiveBy).getTime() - Date.now();
  if (remaining > 0)
    await sleep(remaining, { summary: `Flowroute association of record ${recordId} takes effect by ${effectiveBy}` });

  progress.enter('confirming');
  const carrying = new Set((await acts.getFlowrouteCnamNumbers({ id: recordId })).numberIds);
  for (const e164 of assigned) {
    if (!carrying.has(e164.slice(1)))
      failures.set(e164, `Number ${e164} does not carry CNAM record ${recordId}; it was changed after we assigned it.`);
  }
  const outcomes: FlowrouteNumberOutcome[] = [...numbers, ...group.refused.map((r) => r.number)].map((number) => ({
    number,
    numberId: number.replace(/^\+/, ''),
    state: failures.has(number) ? 'failed' : 'assigned',
    failure: failures.get(number) ?? null,
  }));
  if (outcomes.every((o) => o.state === 'failed')) throw groupFailure(recordId, failures);
  const verification = await verify(
    input,
    progress,
    outcomes.filter((o) => o.state === 'assigned').map((o) => o.number),
    record.value,
  );

  progress.enter('completed');
  return {
    provider: 'flowroute',
    number: numbers[0]!,
    numberId: numbers[0]!.slice(1),
    displayName: record.value,
    cnamRecordId: recordId,
    reusedExistingRecord,
    approvedAt,
    assignedAt,
    effectiveBy,
    confirmedAt: new Date().toISOString(),
    ...(verification && { verification }),
    numbers: outcomes,
  };
}

/** Proof that it shows, by CNAM dips; runs recorded before the step existed replay without it. */
async function verify(
  input: FlowrouteProvisionInput,
  progress: Progress,
  numbers: string[],
  displayName: string,
): Promise<Verification | undefined> {
  if (!patched('verify-caller-name')) return undefined;
  return verifyShowing(progress, { numbers, displayName, boundMs: optionValue(FLOWROUTE_OPTIONS, input, 'verifyFor') });
}

function groupFailure(recordId: string, failures: Map<string, string>): ApplicationFailure {
  return ApplicationFailure.create({
    type: FailureType.AssignmentNotConfirmed,
    message: `No number carries CNAM record ${recordId}: ${[...failures].map(([n, why]) => `${n}: ${why}`).join('; ')}`,
    nonRetryable: true,
  });
}
