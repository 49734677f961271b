/**
 * Twilio CNAM through Trust Hub, in the guide's order: number on the Business Profile → CNAM
 * Trust Product → Business Profile and cnam_information End User attached → number attached →
 * evaluate → submit → wait for twilio-approved → Caller Name Lookup → 48-72 h propagation.
 * Every create is find-or-create under names derived from the workflow id, so a retry or a
 * restart between any two steps reuses what exists.
 */
import {
  ApplicationFailure,
  log,
  patched,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionGiven, optionValue, requireOptionsInBounds } from '../../core/workflow/options';
import { pollUntilDecided } from '../../core/workflow/polling';
import { Progress } from '../../core/workflow/progress';
import type { TwilioActivities } from './activities';
import type { TwilioProvisionInput, TwilioProvisionResult } from './contract';
import { TWILIO_OPTIONS } from './options';
import { resourceNames } from './resource-names';
import { CnamTrustProductSid } from './search-attributes';
import { trustProductStatusChanged } from './signals';

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
  return progress.recordingFailure(() => provision(input, progress));
}

async function provision(input: TwilioProvisionInput, progress: Progress): Promise<TwilioProvisionResult> {
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
  const numbers = await putNumbersOnBusinessProfile(input.businessProfileSid, e164s, progress, batched);
  const product = await prepareTrustProduct(input, displayName, numbers, progress, batched);
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

  progress.enter('enabling-lookup');
  for (const n of numbers) await acts.enableCallerNameLookup({ phoneNumberSid: n.phoneNumberSid });
  const callerNameLookupEnabledAt = new Date().toISOString();

  progress.enter('awaiting-propagation');
  const wait = optionValue(TWILIO_OPTIONS, input, 'propagationWait');
  const propagatedBy = new Date(Date.now() + wait).toISOString();
  progress.status.nextCheckAt = propagatedBy;
  progress.details(`Approved; carriers pick up "${displayName}" by ${propagatedBy}`);
  await sleep(wait, { summary: `carriers pick up "${displayName}" by ${propagatedBy}` });
  // Once more at the end: a create that was still in flight at the first sweep has landed by now.
  if (sweep) await removeDuplicateCreates(product);

  progress.enter('completed');
  return {
    provider: 'twilio',
    numbers: numbers.map((n, i) => ({ ...n, trustProductAssignmentSid: product.numberAssignmentSids[i]! })),
    displayName,
    businessProfileSid: input.businessProfileSid,
    trustProductSid: product.trustProductSid,
    endUserSid: product.endUserSid,
    businessProfileEntityAssignmentSid: product.profileEntitySid,
    endUserEntityAssignmentSid: product.endUserEntitySid,
    submittedAt,
    approvedAt,
    callerNameLookupEnabledAt,
    propagatedBy,
    completedAt: new Date().toISOString(),
  };
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
    const assignmentSid =
      onProfile?.[phoneNumberSid] ??
      (
        await acts.assignNumberToBusinessProfile({
          businessProfileSid,
          phoneNumberSid,
          ...(onProfile && { knownAbsent: true }),
        })
      ).assignmentSid;
    numbers.push({ phoneNumber: e164s[i]!, phoneNumberSid, businessProfileAssignmentSid: assignmentSid });
  }
  return numbers;
}

/** Guide steps 4-8: the CNAM Trust Product with the profile, the cnam_information End User and the numbers on it. */
async function prepareTrustProduct(
  input: TwilioProvisionInput,
  displayName: string,
  numbers: NumberOnProfile[],
  progress: Progress,
  batched: boolean,
) {
  const names = resourceNames(workflowInfo().workflowId);
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

/** Guide step 9: Twilio's own pre-check; submitting a non-compliant product would only be rejected later. */
async function requireCompliant(trustProductSid: string): Promise<void> {
  const evaluation = await acts.evaluateTrustProduct({ trustProductSid });
  if (evaluation.status === 'compliant') return;
  throw ApplicationFailure.create({
    type: FailureType.EvaluationFailed,
    message: `Twilio's evaluation of Trust Product ${trustProductSid} is ${evaluation.status}: ${evaluation.failures.join('; ')}`,
    nonRetryable: true,
    details: [evaluation],
  });
}

/** Guide step 11: poll the Trust Product until twilio-approved; a status callback signal makes it look at once. */
async function awaitReview(
  input: TwilioProvisionInput,
  trustProductSid: string,
  displayName: string,
  progress: Progress,
): Promise<void> {
  progress.status.approval = 'pending';
  await pollUntilDecided(
    progress,
    {
      timeoutMs: optionValue(TWILIO_OPTIONS, input, 'reviewTimeout'),
      initialIntervalMs: optionValue(TWILIO_OPTIONS, input, 'reviewPollInitial'),
      maxIntervalMs: optionValue(TWILIO_OPTIONS, input, 'reviewPollMax'),
    },
    async () => {
      const current = await acts.getTrustProductStatus({ trustProductSid });
      if (current.status === 'twilio-approved') return true;
      if (current.status === 'twilio-rejected') {
        progress.status.approval = 'rejected';
        const reasons = current.errors.map((e) => `${e.code}: ${e.message}`).join('; ') || 'no reason given';
        throw ApplicationFailure.create({
          type: FailureType.CnamRejected,
          message: `Twilio rejected CNAM Trust Product ${trustProductSid} ("${displayName}"): ${reasons}`,
          nonRetryable: true,
          details: [current],
        });
      }
      return false;
    },
    {
      describeWait: (at) =>
        `waiting for Twilio's review of Trust Product ${trustProductSid}, next check ${at.toISOString()}`,
      timedOut: `Twilio did not decide on Trust Product ${trustProductSid} within ${String(optionGiven(TWILIO_OPTIONS, input, 'reviewTimeout'))}; it stays submitted, start again to keep waiting.`,
    },
  );
  progress.status.approval = 'approved';
}

/**
 * A create whose response was lost, or that Twilio carried out after our client had given up, can
 * land beside the one a retry made: a second Trust Product or End User under this provisioning's
 * names. Keep the ones in use and delete the rest (only drafts and unattached End Users go).
 */
async function removeDuplicateCreates(product: { trustProductSid: string; endUserSid: string }): Promise<void> {
  const names = resourceNames(workflowInfo().workflowId);
  const { trustProducts } = await acts.listCnamTrustProducts({ friendlyName: names.trustProduct });
  for (const tp of trustProducts) {
    if (tp.sid === product.trustProductSid) continue;
    const outcome = await acts.deleteDuplicateTrustProduct({ trustProductSid: tp.sid });
    log.info('Duplicate Trust Product', { trustProductSid: tp.sid, ...outcome });
  }
  const { endUsers } = await acts.listCnamEndUsers({ friendlyName: names.endUser });
  for (const eu of endUsers) {
    if (eu.sid === product.endUserSid) continue;
    const outcome = await acts.deleteDuplicateEndUser({ endUserSid: eu.sid });
    log.info('Duplicate End User', { endUserSid: eu.sid, ...outcome });
  }
}
