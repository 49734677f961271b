/**
 * Twilio CNAM through Trust Hub, in the guide's order: number on the Business Profile → CNAM
 * Trust Product → Business Profile and cnam_information End User attached → number attached →
 * evaluate → submit → wait for twilio-approved → Caller Name Lookup → 48-72 h propagation.
 * Every create is find-or-create under names derived from the workflow id, so a retry or a
 * restart between any two steps reuses what exists. Cancel means undo: each write first pushes
 * the step that takes it back (core/workflow/undo); a failed run keeps what it made, for a rerun.
 */
import {
  ApplicationFailure,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionValue, requireOptionsInBounds } from '../../core/workflow/options';
import { Progress } from '../../core/workflow/progress';
import { undoingOnCancel, UndoLog, type UndoStepResult } from '../../core/workflow/undo';
import { verifyShowing } from '../../core/workflow/verify';
import type { TwilioActivities } from './activities';
import type { TwilioProvisionInput, TwilioProvisionResult } from './contract';
import { TWILIO_OPTIONS } from './options';
import { resourceNames } from './resource-names';
import { CnamTrustProductSid } from './search-attributes';
import { trustProductStatusChanged } from './signals';
import { awaitReview, removeDuplicateCreates, requireCompliant, withdrawCreates } from './steps';

const acts = proxyCnamActivities<TwilioActivities>('twilio');

export async function provisionTwilioCnam(input: TwilioProvisionInput): Promise<TwilioProvisionResult> {
  const progress = new Progress({
    provider: 'twilio',
    label: 'Twilio',
    number: input.phoneNumber,
    displayName: input.displayName,
  });
  // Twilio documents nothing of the callback's body: any callback just means "look now".
  setHandler(trustProductStatusChanged, () => {
    progress.requestCheck();
  });
  const undo = new UndoLog();
  return progress.recordingFailure(() => undoingOnCancel(progress, undo, () => provision(input, progress, undo)));
}

async function provision(
  input: TwilioProvisionInput,
  progress: Progress,
  undo: UndoLog,
): Promise<TwilioProvisionResult> {
  requireOptionsInBounds(TWILIO_OPTIONS, input);
  const given = [input.phoneNumber, ...(input.additionalPhoneNumbers ?? [])];
  // Several numbers (a fleet's group): validated in one activity and looked up with one listing each,
  // not one call per number. Single-number runs, and runs recorded before this, take the old path.
  const batched = given.length > 1 && patched('batch-number-lookups');
  const { e164s, displayName } = batched
    ? await validateGroup(given, input.displayName)
    : await validateEach(given, input.displayName);
  progress.validated(e164s[0]!, displayName);

  progress.enter('preparing-trust-product');
  const numbers = await putNumbersOnBusinessProfile(input.businessProfileSid, e164s, progress, batched, undo);
  const product = await prepareTrustProduct(input, displayName, numbers, progress, batched, undo);
  // Histories recorded before the sweep existed replay without it.
  const sweep = patched('remove-duplicate-creates');
  if (sweep) await removeDuplicateCreates(product);

  progress.enter('submitting');
  if (product.editable) await requireCompliant(product.trustProductSid);
  await acts.submitTrustProduct({
    trustProductSid: product.trustProductSid,
    ...(input.statusCallbackUrl && { statusCallback: input.statusCallbackUrl }),
  });
  const submittedAt = new Date().toISOString();

  progress.enter('awaiting-approval');
  await awaitReview(input, product.trustProductSid, displayName, progress);
  const approvedAt = new Date().toISOString();

  const lookup = await enableCallerNameLookup(input, numbers, progress);

  progress.enter('awaiting-propagation');
  const wait = optionValue(TWILIO_OPTIONS, input, 'propagationWait');
  const propagatedBy = new Date(Date.now() + wait).toISOString();
  progress.status.nextCheckAt = propagatedBy;
  progress.details(`Approved; carriers pick up "${displayName}" by ${propagatedBy}`);
  await sleep(wait, { summary: `carriers pick up "${displayName}" by ${propagatedBy}` });
  // Once more at the end: a create that was still in flight at the first sweep has landed by now.
  if (sweep) await removeDuplicateCreates(product);

  // Proof that it shows, by CNAM dips; runs recorded before the step existed replay without it.
  const verification = patched('verify-caller-name')
    ? await verifyShowing(progress, {
        numbers: e164s,
        displayName,
        boundMs: optionValue(TWILIO_OPTIONS, input, 'verifyFor'),
      })
    : undefined;

  progress.enter('completed');
  return {
    provider: 'twilio',
    numbers: numbers.map((n, i) => ({
      ...n,
      trustProductAssignmentSid: product.numberAssignmentSids[i]!,
      callerNameLookup: lookup.byNumber[i]!,
    })),
    displayName,
    businessProfileSid: input.businessProfileSid,
    trustProductSid: product.trustProductSid,
    endUserSid: product.endUserSid,
    businessProfileEntityAssignmentSid: product.profileEntitySid,
    endUserEntityAssignmentSid: product.endUserEntitySid,
    submittedAt,
    approvedAt,
    callerNameLookupEnabledAt: lookup.enabledAt,
    propagatedBy,
    ...(verification && { verification }),
    completedAt: new Date().toISOString(),
  };
}

type LookupState = 'enabled' | 'skipped' | 'unsupported';

/**
 * The guide's last step: Caller Name Lookup (dips on *incoming* calls, billed per call; not the
 * outbound name). Skipped when the input says so; a number Twilio refuses it for (21409) is reported.
 */
async function enableCallerNameLookup(
  input: TwilioProvisionInput,
  numbers: NumberOnProfile[],
  progress: Progress,
): Promise<{ enabledAt: string | null; byNumber: LookupState[] }> {
  if (input.callerNameLookup === false) return { enabledAt: null, byNumber: numbers.map(() => 'skipped') };
  progress.enter('enabling-lookup');
  const byNumber: LookupState[] = [];
  const refused: string[] = [];
  for (const n of numbers) {
    const answer = await acts.enableCallerNameLookup({ phoneNumberSid: n.phoneNumberSid });
    if (answer.refused) refused.push(`${n.phoneNumber}: ${answer.refused}`);
    byNumber.push(answer.refused ? 'unsupported' : 'enabled');
  }
  if (refused.length > 0)
    progress.details(`Caller Name Lookup not enabled (the outbound name is unaffected): ${refused.join('; ')}`);
  const enabledAt = refused.length === numbers.length ? null : new Date().toISOString();
  return { enabledAt, byNumber };
}

async function validateEach(numbers: string[], displayName: string): Promise<{ e164s: string[]; displayName: string }> {
  const requests = await Promise.all(
    numbers.map((number) => acts.validateProvisionRequest({ provider: 'twilio', number, displayName })),
  );
  return { e164s: requests.map((r) => r.e164), displayName: requests[0]!.displayName };
}

/** All numbers share one Trust Product: one invalid number fails the run, as when each is validated alone. */
async function validateGroup(
  numbers: string[],
  displayName: string,
): Promise<{ e164s: string[]; displayName: string }> {
  const group = await acts.validateProvisionGroup({ provider: 'twilio', numbers, displayName });
  if (group.refused.length > 0) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      message: `Invalid provisioning request: ${group.refused.map((r) => `${r.number}: ${r.reason}`).join('; ')}`,
      nonRetryable: true,
    });
  }
  return { e164s: group.valid, displayName: group.displayName };
}

interface NumberOnProfile {
  phoneNumber: string;
  phoneNumberSid: string;
  businessProfileAssignmentSid: string;
}

/** Guide steps 1-3: find each number's PN SID, check the profile is approved, put the numbers on it. */
async function putNumbersOnBusinessProfile(
  businessProfileSid: string,
  e164s: string[],
  progress: Progress,
  batched: boolean,
  undo: UndoLog,
): Promise<NumberOnProfile[]> {
  const sids: string[] = [];
  // Many numbers (a fleet's group): one read of the account's numbers instead of one per number.
  const known = batched ? (await acts.resolveTwilioPhoneNumbers({ e164s })).sids : null;
  for (const e164 of e164s) {
    const phoneNumberSid = known ? known[e164] : (await acts.resolveTwilioPhoneNumber({ e164 })).phoneNumberSid;
    if (!phoneNumberSid) {
      throw ApplicationFailure.create({
        type: FailureType.ProviderRefused,
        message: `Number ${e164} is not on this Twilio account`,
        nonRetryable: true,
        details: [{ provider: 'twilio', e164 }],
      });
    }
    sids.push(phoneNumberSid);
    progress.resource(`phoneNumberSid:${e164}`, phoneNumberSid);
  }
  const profile = await acts.getBusinessProfile({ businessProfileSid });
  if (profile.status !== 'twilio-approved') {
    throw ApplicationFailure.create({
      type: FailureType.ProviderRefused,
      message: `Business Profile ${businessProfileSid} ("${profile.friendlyName}") is ${profile.status}, not twilio-approved; CNAM needs an approved profile.`,
      nonRetryable: true,
    });
  }
  const onProfile = batched ? (await acts.listBusinessProfileNumbers({ businessProfileSid })).assignments : null;
  const numbers: NumberOnProfile[] = [];
  for (const [i, phoneNumberSid] of sids.entries()) {
    let assignmentSid = onProfile?.[phoneNumberSid];
    if (!assignmentSid) {
      // Only a number this run put on the profile comes off it: absent from the listing, or created by the call.
      let ours: boolean | undefined = onProfile ? true : undefined;
      undo.push(`take ${e164s[i]} off Business Profile ${businessProfileSid}`, () =>
        undoProfileNumber(businessProfileSid, phoneNumberSid, ours),
      );
      const assigned = await acts.assignNumberToBusinessProfile({
        businessProfileSid,
        phoneNumberSid,
        ...(onProfile && { knownAbsent: true }),
      });
      ours ||= assigned.created;
      assignmentSid = assigned.assignmentSid;
    }
    numbers.push({ phoneNumber: e164s[i]!, phoneNumberSid, businessProfileAssignmentSid: assignmentSid });
  }
  return numbers;
}

async function undoProfileNumber(
  businessProfileSid: string,
  phoneNumberSid: string,
  ours: boolean | undefined,
): Promise<UndoStepResult> {
  if (ours === false) return { outcome: 'nothing', detail: 'the number was on the Business Profile before this run' };
  if (ours === undefined)
    return {
      outcome: 'kept',
      detail: 'the cancel cut the call short, so whether this run put the number there is unknown; left on the profile',
    };
  return acts.undoNumberOnBusinessProfile({ businessProfileSid, phoneNumberSid });
}

/** Guide steps 4-8: the CNAM Trust Product with the profile, the cnam_information End User and the numbers on it. */
async function prepareTrustProduct(
  input: TwilioProvisionInput,
  displayName: string,
  numbers: NumberOnProfile[],
  progress: Progress,
  batched: boolean,
  undo: UndoLog,
) {
  const names = resourceNames(workflowInfo().workflowId);
  undo.push(`delete Trust Product "${names.trustProduct}" and End User "${names.endUser}"`, () =>
    withdrawCreates(names),
  );
  const product = await acts.findOrCreateCnamTrustProduct({
    friendlyName: names.trustProduct,
    email: input.notificationEmail,
    ...(input.statusCallbackUrl && { statusCallback: input.statusCallbackUrl }),
  });
  const trustProductSid = product.trustProductSid;
  progress.resource('trustProductSid', trustProductSid, { main: true });
  upsertSearchAttributes([{ key: CnamTrustProductSid, value: trustProductSid }]);

  // Entity assignments are frozen once submitted: a rerun that finds the product under review skips them.
  const editable = product.status === 'draft' || product.status === 'twilio-rejected';
  const attach = async (objectSid: string) =>
    editable ? (await acts.assignToTrustProduct({ trustProductSid, objectSid })).assignmentSid : '';
  const profileEntitySid = await attach(input.businessProfileSid);
  const { endUserSid } = await acts.findOrCreateCnamEndUser({ friendlyName: names.endUser, displayName });
  progress.resource('endUserSid', endUserSid);
  const endUserEntitySid = await attach(endUserSid);
  const numberAssignmentSids: string[] = [];
  const onProduct = batched ? (await acts.listTrustProductNumbers({ trustProductSid })).assignments : null;
  for (const n of numbers) {
    if (!onProduct?.[n.phoneNumberSid])
      undo.push(`take ${n.phoneNumber} off Trust Product ${trustProductSid}`, () =>
        acts.undoNumberOnTrustProduct({ trustProductSid, phoneNumberSid: n.phoneNumberSid }),
      );
    const assignmentSid =
      onProduct?.[n.phoneNumberSid] ??
      (
        await acts.assignNumberToTrustProduct({
          trustProductSid,
          phoneNumberSid: n.phoneNumberSid,
          ...(onProduct && { knownAbsent: true }),
        })
      ).assignmentSid;
    numberAssignmentSids.push(assignmentSid);
  }
  return { trustProductSid, editable, profileEntitySid, endUserSid, endUserEntitySid, numberAssignmentSids };
}
