/**
 * Twilio CNAM through Trust Hub, in the guide's order: number on the Business Profile → CNAM
 * Trust Product → Business Profile and cnam_information End User attached → number attached →
 * evaluate → submit → wait for twilio-approved → Caller Name Lookup → 48-72 h propagation.
 * Every create is find-or-create under names derived from the workflow id, so a retry or a
 * restart between any two steps reuses what exists.
 */
import { ApplicationFailure, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { createActivities } from '../activities';
import { FailureType, NON_RETRYABLE_FAILURES } from './failures';
import type { TwilioProvisionInput, TwilioProvisionResult } from './messages';
import { pollUntilDecided } from './polling';
import { Progress, workflowNow } from './progress';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});

export const TWILIO_DEFAULTS = {
  reviewTimeout: '14d',
  reviewPollInitial: '10m',
  reviewPollMax: '2h',
  propagationWait: '72h',
} as const;

export async function provisionTwilioCnam(input: TwilioProvisionInput): Promise<TwilioProvisionResult> {
  const progress = new Progress({ provider: 'twilio', number: input.phoneNumber, displayName: input.displayName });
  try {
    return await provision(input, progress);
  } catch (err) {
    progress.fail(err instanceof Error ? err.message : String(err));
    throw err;
  }
}

async function provision(input: TwilioProvisionInput, progress: Progress): Promise<TwilioProvisionResult> {
  const requests = await Promise.all(
    [input.phoneNumber, ...(input.additionalPhoneNumbers ?? [])].map((number) =>
      acts.validateProvisionRequest({ provider: 'twilio', number, displayName: input.displayName }),
    ),
  );
  const displayName = requests[0]!.displayName;
  progress.validated(requests[0]!.e164, displayName);
  const { businessProfileSid } = input;
  const names = resourceNames(workflowInfo().workflowId);

  progress.enter('preparing-trust-product');
  const numbers = [];
  for (const request of requests) {
    const { phoneNumberSid } = await acts.resolveTwilioPhoneNumber({ e164: request.e164 });
    numbers.push({ phoneNumber: request.e164, phoneNumberSid });
    progress.resource(`phoneNumberSid:${request.e164}`, phoneNumberSid);
  }
  const profile = await acts.getBusinessProfile({ businessProfileSid });
  if (profile.status !== 'twilio-approved') {
    throw ApplicationFailure.create({
      type: FailureType.ProviderRefused,
      message: `Business Profile ${businessProfileSid} ("${profile.friendlyName}") is ${profile.status}, not twilio-approved; CNAM needs an approved profile.`,
      nonRetryable: true,
    });
  }
  const profileAssignments: string[] = [];
  for (const n of numbers) {
    const { assignmentSid } = await acts.assignNumberToBusinessProfile({ businessProfileSid, phoneNumberSid: n.phoneNumberSid });
    profileAssignments.push(assignmentSid);
  }

  const trustProduct = await acts.findOrCreateCnamTrustProduct({
    friendlyName: names.trustProduct,
    email: input.notificationEmail,
    ...(input.statusCallbackUrl && { statusCallback: input.statusCallbackUrl }),
  });
  const trustProductSid = trustProduct.trustProductSid;
  progress.status.recordId = trustProductSid;
  progress.resource('trustProductSid', trustProductSid);

  // Entity assignments are frozen once submitted: a rerun that finds the product under review skips them.
  const editable = trustProduct.status === 'draft' || trustProduct.status === 'twilio-rejected';
  const { assignmentSid: profileEntitySid } = editable
    ? await acts.assignToTrustProduct({ trustProductSid, objectSid: businessProfileSid })
    : { assignmentSid: '' };
  const { endUserSid } = await acts.findOrCreateCnamEndUser({ friendlyName: names.endUser, displayName });
  progress.resource('endUserSid', endUserSid);
  const { assignmentSid: endUserEntitySid } = editable
    ? await acts.assignToTrustProduct({ trustProductSid, objectSid: endUserSid })
    : { assignmentSid: '' };
  const productAssignments: string[] = [];
  for (const n of numbers) {
    const { assignmentSid } = await acts.assignNumberToTrustProduct({ trustProductSid, phoneNumberSid: n.phoneNumberSid });
    productAssignments.push(assignmentSid);
  }

  progress.enter('submitting');
  if (editable) {
    const evaluation = await acts.evaluateTrustProduct({ trustProductSid });
    if (evaluation.status !== 'compliant') {
      throw ApplicationFailure.create({
        type: FailureType.EvaluationFailed,
        message: `Twilio's evaluation of Trust Product ${trustProductSid} is ${evaluation.status}: ${evaluation.failures.join('; ')}`,
        nonRetryable: true,
        details: [evaluation],
      });
    }
  }
  await acts.submitTrustProduct({ trustProductSid, ...(input.statusCallbackUrl && { statusCallback: input.statusCallbackUrl }) });
  const submittedAt = workflowNow().toISOString();

  progress.enter('awaiting-approval');
  progress.status.approval = 'pending';
  const timeout = input.reviewTimeout ?? TWILIO_DEFAULTS.reviewTimeout;
  const review = await pollUntilDecided<true>(
    progress,
    {
      timeout,
      initialInterval: input.reviewPollInitial ?? TWILIO_DEFAULTS.reviewPollInitial,
      maxInterval: input.reviewPollMax ?? TWILIO_DEFAULTS.reviewPollMax,
    },
    async () => {
      const current = await acts.getTrustProductStatus({ trustProductSid });
      if (current.status === 'twilio-approved') return { decided: true, value: true };
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
      return { decided: false };
    },
    (at) => `waiting for Twilio's review of Trust Product ${trustProductSid}, next check ${at.toISOString()}`,
  );
  if (review.timedOut) {
    throw ApplicationFailure.create({
      type: FailureType.ApprovalTimedOut,
      message: `Twilio did not decide on Trust Product ${trustProductSid} within ${String(timeout)}; it stays submitted, start again to keep waiting.`,
      nonRetryable: true,
    });
  }
  progress.status.approval = 'approved';
  const approvedAt = workflowNow().toISOString();

  progress.enter('enabling-lookup');
  for (const n of numbers) await acts.enableCallerNameLookup({ phoneNumberSid: n.phoneNumberSid });
  const callerNameLookupEnabledAt = workflowNow().toISOString();

  progress.enter('awaiting-propagation');
  const wait = msToNumber(input.propagationWait ?? TWILIO_DEFAULTS.propagationWait);
  const propagatedBy = new Date(workflowNow().getTime() + wait).toISOString();
  progress.status.nextCheckAt = propagatedBy;
  progress.details(`Approved; carriers pick up "${displayName}" by ${propagatedBy}`);
  await sleep(wait, { summary: `carriers pick up "${displayName}" by ${propagatedBy}` });

  progress.enter('completed');
  return {
    provider: 'twilio',
    numbers: numbers.map((n, i) => ({ ...n, businessProfileAssignmentSid: profileAssignments[i]!, trustProductAssignmentSid: productAssignments[i]! })),
    displayName,
    businessProfileSid,
    trustProductSid,
    endUserSid,
    businessProfileEntityAssignmentSid: profileEntitySid,
    endUserEntityAssignmentSid: endUserEntitySid,
    submittedAt,
    approvedAt,
    callerNameLookupEnabledAt,
    propagatedBy,
    completedAt: workflowNow().toISOString(),
  };
}

/** Deterministic names: what a crashed attempt created is found again by the next one. */
function resourceNames(workflowId: string) {
  return { trustProduct: `${workflowId} CNAM`, endUser: `${workflowId} cnam_information` };
}
