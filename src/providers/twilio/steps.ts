/**
 * The steps the Twilio workflows share (provision, rename): Twilio's evaluation, waiting for the
 * review, the sweep of duplicate creates, and the undo of what a run created under its names.
 */
import { ApplicationFailure, log, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../../core/failures';
import { proxyCnamActivities } from '../../core/workflow/activity-options';
import { optionGiven, optionValue } from '../../core/workflow/options';
import { pollUntilDecided } from '../../core/workflow/polling';
import type { Progress } from '../../core/workflow/progress';
import type { UndoStepResult } from '../../core/workflow/undo';
import type { TwilioActivities } from './activities';
import type { TwilioProvisionInput } from './contract';
import { TWILIO_OPTIONS } from './options';
import { resourceNames } from './resource-names';

const acts = proxyCnamActivities<TwilioActivities>('twilio');

/** Guide step 9: Twilio's own pre-check; submitting a non-compliant product would only be rejected later. */
export async function requireCompliant(trustProductSid: string): Promise<void> {
  const evaluation = await acts.evaluateTrustProduct({ trustProductSid });
  if (evaluation.status === 'compliant') return;
  throw ApplicationFailure.create({
    type: FailureType.EvaluationFailed,
    message: `Twilio's evaluation of Trust Product ${trustProductSid} is ${evaluation.status}: ${evaluation.failures.join('; ')}`,
    nonRetryable: true,
    details: [evaluation],
  });
}

/** The tuning options a review wait reads (a provisioning's or a rename's). */
type ReviewOptions = Pick<TwilioProvisionInput, 'reviewTimeout' | 'reviewPollInitial' | 'reviewPollMax'>;

/** Guide step 11: poll the Trust Product until twilio-approved; a status callback signal makes it look at once. */
export async function awaitReview(
  input: ReviewOptions,
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
export async function removeDuplicateCreates(
  product: { trustProductSid: string; endUserSid: string },
  names: { trustProduct: string; endUser: string } = resourceNames(workflowInfo().workflowId),
): Promise<void> {
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

/**
 * Undo of a run's creates: every Trust Product and End User under its names (a duplicate create's too),
 * products first so their End Users are free. One Twilio is reviewing is kept, and so is its End User.
 */
export async function withdrawCreates(names: { trustProduct: string; endUser: string }): Promise<UndoStepResult> {
  const outcomes: UndoStepResult[] = [];
  const { trustProducts } = await acts.listCnamTrustProducts({ friendlyName: names.trustProduct });
  for (const tp of trustProducts) outcomes.push(await acts.withdrawTrustProduct({ trustProductSid: tp.sid }));
  const { endUsers } = await acts.listCnamEndUsers({ friendlyName: names.endUser });
  for (const eu of endUsers) outcomes.push(await acts.withdrawEndUser({ endUserSid: eu.sid }));
  return combineUndo(outcomes, 'nothing was created under these names');
}

/** Several undo results as one: kept if any was kept, else undone if any was undone. */
export function combineUndo(outcomes: UndoStepResult[], none: string): UndoStepResult {
  const relevant = outcomes.filter((o) => o.outcome !== 'nothing');
  if (relevant.length === 0) return { outcome: 'nothing', detail: outcomes.map((o) => o.detail).join('; ') || none };
  const outcome = relevant.some((o) => o.outcome === 'kept') ? 'kept' : 'undone';
  return { outcome, detail: relevant.map((o) => o.detail).join('; ') };
}
