/**
 * The status every provisioning workflow reports: one object, updated as steps start, answered by the
 * `getStatus` query, and the `checkNow` update that cuts a review wait short. Knows no provider: each
 * workflow passes its own label and registers its own provider-specific messages.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationType } from '../../notify/events';
import { FailureType } from '../failures';
import { countRun, type RunEvent } from './metrics';
import { notify, type NotifyOutcome } from './notify';
import { CnamDisplayName, CnamPhoneNumber, CnamProvider, CnamStep, NAMES_INDEXED_MEMO } from './search-attributes';

import {
  checkNow,
  checkNowSignal,
  getStatus,
  type Operation,
  type ProvisionStatus,
  type ProvisionStep,
} from './messages';

/** False when the starter encrypts payloads (see NAMES_INDEXED_MEMO); a fleet passes its own memo to its groups. */
const namesIndexed = () => workflowInfo().memo?.[NAMES_INDEXED_MEMO] !== false;

const STEP_SENTENCES: Record<ProvisionStep, string> = {
  validating: 'Checking the name and number',
  'creating-record': 'Creating or finding the CNAM record',
  'preparing-trust-product': 'Preparing the CNAM Trust Product',
  submitting: 'Evaluating and submitting the Trust Product for review',
  'awaiting-approval': 'Waiting for the review',
  assigning: 'Assigning the CNAM record to the number',
  'enabling-lookup': 'Enabling Caller Name Lookup',
  'awaiting-propagation': 'Waiting for the name to take effect',
  confirming: 'Confirming the assignment on the number',
  verifying: 'Checking with CNAM dips that the name shows on the network',
  'reading-current': 'Reading the name the number shows now',
  unassigning: 'Taking the name off the number',
  'moving-number': "Moving the number onto the new name's Trust Product",
  'deleting-old': 'Deleting the old name, which no number uses any more',
  undoing: 'Cancelled: undoing what this run created',
  cancelled: 'Cancelled',
  completed: 'Done: the name is provisioned',
  failed: 'Failed',
};

export interface ProgressInit {
  /** The provider's id in the registry, e.g. 'flowroute'. */
  provider: string;
  /** The provider's name as people write it, for the Web UI, e.g. 'Flowroute'. */
  label: string;
  number: string;
  displayName: string;
  /** Rename, remove or adopt; a provisioning leaves it out. */
  operation?: Operation;
}

export class Progress {
  readonly status: ProvisionStatus;
  private readonly label: string;
  /** Set by `checkNow`: the current review wait ends early and the provider is asked at once. */
  checkNowRequested = false;
  /** True while polling the provider's review: the only time `checkNow` has anything to cut short. */
  awaitingReview = false;

  constructor({ label, operation = 'provision', ...init }: ProgressInit) {
    this.label = label;
    // The workflow's clock (`new Date()` is the time of the current workflow task): deterministic.
    this.status = {
      ...init,
      step: 'validating',
      approval: 'not-submitted',
      recordId: null,
      resources: {},
      nextCheckAt: null,
      stepsDone: [{ step: 'validating', at: new Date().toISOString() }],
      failure: null,
      operation,
    };
    setHandler(getStatus, () => this.status);
    setHandler(checkNow, () => this.requestCheck(), {
      validator: () => {
        if (!this.awaitingReview)
          throw new Error(`Not waiting on a provider review (step: ${this.status.step}); nothing to check now.`);
      },
      description:
        'Check with the provider now instead of at the next scheduled check (only while awaiting its review).',
    });
    setHandler(checkNowSignal, () => {
      this.checkNowRequested = true;
    });
    this.index();
    this.count('started');
  }

  /** Wakes the current review wait, e.g. for a provider callback that says the review moved. */
  requestCheck(): { step: ProvisionStep } {
    this.checkNowRequested = true;
    return { step: this.status.step };
  }

  enter(step: ProvisionStep, details?: string): void {
    this.status.step = step;
    this.status.nextCheckAt = null;
    this.status.stepsDone.push({ step, at: new Date().toISOString() });
    upsertSearchAttributes([{ key: CnamStep, value: step }]);
    // At the end, what the CNAM dips found stays in the Web UI's details: the one thing left to know.
    const onNetwork = step === 'completed' && this.status.verification ? `; ${this.status.verification.summary}` : '';
    this.details(
      details ??
        `${STEP_SENTENCES[step]} (${this.label}, ${this.status.number}, "${this.status.displayName}")${onNetwork}`,
    );
  }

  /** The number and name after validation (E.164, normalised), for status and search. */
  validated(number: string, displayName: string): void {
    this.status.number = number;
    this.status.displayName = displayName;
    this.index();
  }

  /** A provider resource created or reused, by role; `main` marks the one under review (`recordId`). */
  resource(role: string, id: string, options: { main?: boolean } = {}): void {
    this.status.resources[role] = id;
    if (options.main) this.status.recordId = id;
  }

  /** What the Web UI shows as the workflow's current details: one human sentence. */
  details(sentence: string): void {
    setCurrentDetails(sentence);
  }

  private index(): void {
    upsertSearchAttributes([
      { key: CnamProvider, value: this.status.provider },
      { key: CnamPhoneNumber, value: this.status.number },
      ...(namesIndexed() ? [{ key: CnamDisplayName, value: this.status.displayName }] : []),
      { key: CnamStep, value: this.status.step },
    ]);
  }

  /**
   * Runs the flow; a failure is recorded in the status (and the Web UI) before the run fails with it.
   * The outcome goes to the webhook (core/workflow/notify) when one is configured; runs recorded before
   * notifications existed replay without them.
   */
  async recordingFailure<T>(flow: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await flow();
    } catch (err) {
      if (isCancellation(err)) {
        this.count('cancelled');
        this.enter('cancelled', this.cancelledDetails());
      } else {
        this.count('failed', { failure_type: failureType(err) ?? 'none' });
        this.fail(failureMessage(err));
        if (patched('notify-outcome'))
          await this.notify(failureType(err) === FailureType.CnamRejected ? 'cnam.rejected' : 'cnam.failed', {
            failure: this.status.failure,
            failureType: failureType(err),
            resources: this.status.resources,
          });
      }
      throw err;
    }
    this.count('completed');
    if (patched('notify-outcome')) await this.notify('cnam.completed', { result });
    return result;
  }

  /** One webhook event about this run's number and name, with the operation (provision, rename…) in its data. */
  notify(type: NotificationType, data: Record<string, unknown>): Promise<NotifyOutcome> {
    return notify({
      type,
      provider: this.status.provider,
      number: this.status.number,
      displayName: this.status.displayName,
      data: { operation: this.status.operation, ...data },
    });
  }

  private cancelledDetails(): string {
    const undo = this.status.undo ?? [];
    const kept = undo.filter((o) => o.outcome === 'kept' || o.outcome === 'failed');
    if (kept.length === 0)
      return `Cancelled; ${undo.some((o) => o.outcome === 'undone') ? 'everything this run created was undone' : 'nothing needed undoing'}`;
    return `Cancelled; not undone: ${kept.map((o) => `${o.step} (${o.detail})`).join('; ')}`;
  }

  /** A run starting or ending, by provider, operation and the step it is at. */
  private count(event: RunEvent, extra: { failure_type?: string } = {}): void {
    const { provider, operation = 'provision', step } = this.status;
    countRun(event, { provider, operation, step, ...extra });
  }

  fail(message: string): void {
    this.status.failure = message;
    this.enter('failed', `Failed: ${message}`);
  }
}

/** What went wrong in the provider's (or our) words: an activity's own failure, not "Activity task failed". */
function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The failure's type, whether the workflow threw it or an activity did. */
function failureType(err: unknown): string | null {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? (cause.type ?? null) : null;
}
