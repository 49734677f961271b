/**
 * Rename, remove and adopt at Twilio, under the number's own workflow id. Twilio documents no way to
 * rename an approved CNAM Trust Product, so a rename is a new product for the new name, reviewed while
 * the old name keeps showing, then the number moved onto it and the old product deleted. Removal is
 * the seed's "unassign the number from the CNAM Trust Product"; adoption only reads.
 */
import {
  ApplicationFailure,
  CancellationScope,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import type { LifecycleResult, NumberOnlyInput } from '../../core/lifecycle';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionValue, requireOptionsInBounds } from '../../core/workflow/options';
import { Progress } from '../../core/workflow/progress';
import { undoingOnCancel, UndoLog } from '../../core/workflow/undo';
import type { TwilioActivities } from './activities';
import type { TwilioRenameInput } from './contract';
import type { CurrentCnam } from './lifecycle-activities';
import { TWILIO_OPTIONS } from './options';
import { resourceNames } from './resource-names';
import { CnamTrustProductSid } from './search-attributes';
import { trustProductStatusChanged } from './signals';
import { awaitReview, combineUndo, removeDuplicateCreates, requireCompliant, withdrawCreates } from './steps';

const acts = proxyCnamActivities<TwilioActivities>('twilio');

/** A new Trust Product for the new name, approved before the number moves onto it; then the old one goes. */
export async function renameTwilioCnam(input: TwilioRenameInput): Promise<LifecycleResult> {
  const progress = start('rename', input.number, input.displayName);
  const undo = new UndoLog();
  // A rename that fails (a rejection) is undone too: the old name stays and nothing is left orphaned.
  return progress.recordingFailure(() =>
    undoingOnCancel(progress, undo, () => rename(input, progress, undo), { undoOnFailure: true }),
  );
}

/** Takes the number off its CNAM Trust Product, and deletes the product when no number is left on it. */
export async function removeTwilioCnam(input: NumberOnlyInput): Promise<LifecycleResult> {
  const progress = start('remove', input.number, '');
  const undo = new UndoLog();
  return progress.recordingFailure(() =>
    undoingOnCancel(progress, undo, () => remove(input, progress, undo), { undoOnFailure: true }),
  );
}

/** Records a name set up by hand in the Console (read only): what it is and which resources hold it. */
export async function adoptTwilioCnam(input: NumberOnlyInput): Promise<LifecycleResult> {
  const progress = start('adopt', input.number, '');
  return progress.recordingFailure(() => adopt(input, progress));
}

function start(operation: 'rename' | 'remove' | 'adopt', number: string, displayName: string): Progress {
  const progress = new Progress({ provider: 'twilio', label: 'Twilio', number, displayName, operation });
  // Twilio documents nothing of the callback's body: any callback just means "look now".
  setHandler(trustProductStatusChanged, () => {
    progress.requestCheck();
  });
  return progress;
}

async function rename(input: TwilioRenameInput, progress: Progress, undo: UndoLog): Promise<LifecycleResult> {
  requireOptionsInBounds(TWILIO_OPTIONS, input);
  const { e164, displayName } = await acts.validateProvisionRequest({
    provider: 'twilio',
    number: input.number,
    displayName: input.displayName,
  });
  progress.validated(e164, displayName);
  const { phoneNumberSid } = await acts.resolveTwilioPhoneNumber({ e164 });
  progress.resource('phoneNumberSid', phoneNumberSid);

  progress.enter('reading-current');
  const old = await readCurrent(phoneNumberSid, e164, 'use provision to give it one');
  const businessProfileSid = old.businessProfileSid;
  if (!businessProfileSid) throw refused(`Trust Product ${old.trustProductSid} has no Business Profile attached`);
  progress.resource('previousTrustProductSid', old.trustProductSid);
  const base = { number: e164, previousDisplayName: old.displayName };
  if (old.displayName?.toUpperCase() === displayName.toUpperCase()) {
    progress.enter('completed', `"${old.displayName}" is already the name of ${e164}; nothing to do`);
    return result('rename', {
      ...base,
      displayName: old.displayName,
      resources: resourcesOf(old, phoneNumberSid),
      kept: [`Trust Product ${old.trustProductSid} already carries "${old.displayName}"; nothing was changed`],
    });
  }

  progress.enter('preparing-trust-product');
  const fresh = await prepareNewProduct(input, displayName, { ...old, businessProfileSid }, progress, undo);
  const { trustProductSid, endUserSid } = fresh;

  // Reviewed without the number: it stays on the old product, showing the old name, until approval.
  progress.enter('submitting');
  if (fresh.editable) await requireCompliant(trustProductSid);
  await acts.submitTrustProduct({
    trustProductSid,
    ...(input.statusCallbackUrl && { statusCallback: input.statusCallbackUrl }),
  });
  progress.enter('awaiting-approval');
  await awaitReview(input, trustProductSid, displayName, progress);

  progress.enter('moving-number');
  await moveNumber(e164, phoneNumberSid, old.trustProductSid, trustProductSid, undo);

  progress.enter('deleting-old');
  const cleanup = await deleteIfUnused(old, undo, `the old name "${old.displayName}" was deleted`);

  progress.enter('awaiting-propagation');
  const wait = optionValue(TWILIO_OPTIONS, input, 'propagationWait');
  const effectiveBy = new Date(Date.now() + wait).toISOString();
  progress.status.nextCheckAt = effectiveBy;
  progress.details(`Approved; carriers pick up "${displayName}" by ${effectiveBy}`);
  await sleep(wait, { summary: `carriers pick up "${displayName}" by ${effectiveBy}` });
  // Once more at the end: a create that was still in flight at the first sweep has landed by now.
  await removeDuplicateCreates({ trustProductSid, endUserSid }, fresh.names);

  progress.enter('completed');
  return result('rename', {
    ...base,
    displayName,
    resources: { trustProductSid, endUserSid, businessProfileSid, phoneNumberSid },
    ...cleanup,
    effectiveBy,
  });
}

/**
 * The new name's Trust Product and End User, with the old product's Business Profile, under names
 * derived from the run and the new name: a rerun of the same rename finds what this one made.
 */
async function prepareNewProduct(
  input: TwilioRenameInput,
  displayName: string,
  old: CurrentCnam & { businessProfileSid: string },
  progress: Progress,
  undo: UndoLog,
) {
  const names = resourceNames(`${workflowInfo().workflowId} ${displayName.toUpperCase()}`);
  // A rejected or cancelled rename leaves nothing behind: the old name stays, alone.
  undo.push(`delete the Trust Product and End User made for "${displayName}"`, () => withdrawCreates(names));
  const product = await acts.findOrCreateCnamTrustProduct({
    friendlyName: names.trustProduct,
    email: input.notificationEmail ?? old.email,
    ...(input.statusCallbackUrl && { statusCallback: input.statusCallbackUrl }),
  });
  const trustProductSid = product.trustProductSid;
  progress.resource('trustProductSid', trustProductSid, { main: true });
  upsertSearchAttributes([{ key: CnamTrustProductSid, value: trustProductSid }]);
  // Entity assignments are frozen once submitted: a rerun that finds the product under review skips them.
  const editable = product.status === 'draft' || product.status === 'twilio-rejected';
  if (editable) await acts.assignToTrustProduct({ trustProductSid, objectSid: old.businessProfileSid });
  const { endUserSid } = await acts.findOrCreateCnamEndUser({ friendlyName: names.endUser, displayName });
  progress.resource('endUserSid', endUserSid);
  if (editable) await acts.assignToTrustProduct({ trustProductSid, objectSid: endUserSid });
  await removeDuplicateCreates({ trustProductSid, endUserSid }, names);
  return { trustProductSid, endUserSid, editable, names };
}

/** Twilio refuses a number on two CNAM products at once: off the old one, then onto the new one. */
async function moveNumber(
  e164: string,
  phoneNumberSid: string,
  from: string,
  to: string,
  undo: UndoLog,
): Promise<void> {
  undo.push(`put ${e164} back on Trust Product ${from}`, async () =>
    combineUndo(
      [
        await acts.undoNumberOnTrustProduct({ trustProductSid: to, phoneNumberSid }),
        await acts.undoNumberOffTrustProduct({ trustProductSid: from, phoneNumberSid }),
      ],
      'the number had not moved',
    ),
  );
  await acts.unassignNumberFromTrustProduct({ trustProductSid: from, phoneNumberSid });
  await acts.assignNumberToTrustProduct({ trustProductSid: to, phoneNumberSid });
}

async function remove(input: NumberOnlyInput, progress: Progress, undo: UndoLog): Promise<LifecycleResult> {
  const { e164, phoneNumberSid } = await acts.resolveLifecycleNumber({ number: input.number });
  progress.validated(e164, '');
  progress.resource('phoneNumberSid', phoneNumberSid);

  progress.enter('reading-current');
  const { current } = await acts.findCurrentCnam({ phoneNumberSid });
  if (!current) {
    progress.enter('completed', `${e164} shows no CNAM at Twilio; nothing to remove`);
    return result('remove', {
      number: e164,
      displayName: null,
      previousDisplayName: null,
      resources: { phoneNumberSid },
      kept: [`${e164} is on no CNAM Trust Product at Twilio; nothing to remove`],
    });
  }
  if (current.displayName) progress.validated(e164, current.displayName);
  progress.resource('trustProductSid', current.trustProductSid, { main: true });

  progress.enter('unassigning');
  undo.push(`put ${e164} back on Trust Product ${current.trustProductSid}`, () =>
    acts.undoNumberOffTrustProduct({ trustProductSid: current.trustProductSid, phoneNumberSid }),
  );
  await acts.unassignNumberFromTrustProduct({ trustProductSid: current.trustProductSid, phoneNumberSid });

  progress.enter('deleting-old');
  const cleanup = await deleteIfUnused(current, undo, `the name "${current.displayName}" was deleted`);

  progress.enter('completed');
  return result('remove', {
    number: e164,
    displayName: null,
    previousDisplayName: current.displayName,
    resources: { phoneNumberSid },
    ...cleanup,
  });
}

async function adopt(input: NumberOnlyInput, progress: Progress): Promise<LifecycleResult> {
  const { e164, phoneNumberSid } = await acts.resolveLifecycleNumber({ number: input.number });
  progress.validated(e164, '');
  progress.resource('phoneNumberSid', phoneNumberSid);

  progress.enter('reading-current');
  const current = await readCurrent(phoneNumberSid, e164, 'there is nothing to adopt');
  if (!current.displayName)
    throw refused(`Trust Product ${current.trustProductSid} carries no cnam_information End User with a name`);
  progress.validated(e164, current.displayName);
  progress.resource('trustProductSid', current.trustProductSid, { main: true });
  upsertSearchAttributes([{ key: CnamTrustProductSid, value: current.trustProductSid }]);
  progress.status.approval = current.status === 'twilio-approved' ? 'approved' : 'pending';
  const state =
    current.status === 'twilio-approved'
      ? `Trust Product ${current.trustProductSid} is twilio-approved: "${current.displayName}" is the name carriers get`
      : `Trust Product ${current.trustProductSid} is ${current.status}, not approved: "${current.displayName}" shows only once Twilio approves it`;

  progress.enter('completed', state);
  return result('adopt', {
    number: e164,
    displayName: current.displayName,
    previousDisplayName: current.displayName,
    resources: resourcesOf(current, phoneNumberSid),
    kept: [state],
  });
}

/** The CNAM product the number is on; none fails the run, saying `advice`. */
async function readCurrent(phoneNumberSid: string, e164: string, advice: string): Promise<CurrentCnam> {
  const { current } = await acts.findCurrentCnam({ phoneNumberSid });
  if (!current) throw refused(`${e164} shows no CNAM at Twilio (it is on no CNAM Trust Product); ${advice}`);
  return current;
}

/**
 * The old product once the number is off it: deleted, then its End User, when no number is left on it.
 * The delete is the point of no return: until it returns a cancel still puts the number back; once it
 * has, the run is committed and finishes the cleanup (the End User) whatever cancel comes.
 */
async function deleteIfUnused(
  old: CurrentCnam,
  undo: UndoLog,
  why: string,
): Promise<{ deleted: string[]; kept: string[] }> {
  const deleted: string[] = [];
  const kept: string[] = [];
  const tp = await acts.deleteTrustProductIfUnused({ trustProductSid: old.trustProductSid });
  (tp.deleted ? deleted : kept).push(tp.detail);
  if (!tp.deleted) return { deleted, kept };
  undo.commit(why);
  const endUserSid = old.endUserSid;
  if (endUserSid) {
    const eu = await CancellationScope.nonCancellable(() => acts.deleteEndUserIfUnused({ endUserSid }));
    (eu.deleted ? deleted : kept).push(eu.detail);
  }
  return { deleted, kept };
}

function resourcesOf(cnam: CurrentCnam, phoneNumberSid: string): Record<string, string> {
  return {
    trustProductSid: cnam.trustProductSid,
    ...(cnam.endUserSid && { endUserSid: cnam.endUserSid }),
    ...(cnam.businessProfileSid && { businessProfileSid: cnam.businessProfileSid }),
    phoneNumberSid,
  };
}

function refused(message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: FailureType.ProviderRefused, message, nonRetryable: true });
}

function result(
  operation: LifecycleResult['operation'],
  fields: Pick<LifecycleResult, 'number' | 'displayName' | 'previousDisplayName' | 'resources'> &
    Partial<Pick<LifecycleResult, 'deleted' | 'kept' | 'effectiveBy'>>,
): LifecycleResult {
  return {
    provider: 'twilio',
    operation,
    deleted: [],
    kept: [],
    effectiveBy: null,
    ...fields,
    completedAt: new Date().toISOString(),
  };
}
