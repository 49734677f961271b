/**
 * The status every provisioning workflow reports: one object, updated as steps start,
 * answered by the `getStatus` query and woken by the `checkNow` signal.
 */
import { setCurrentDetails, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { CnamDisplayName, CnamPhoneNumber, CnamProvider, CnamStep, CnamTrustProductSid } from './search-attributes';
import { checkNow, getStatus, trustProductStatusChanged, type ProvisionProvider, type ProvisionStatus, type ProvisionStep } from './messages';

/** Workflow time: the sandbox replaces `Date` with the deterministic time of the current workflow task. */
export function workflowNow(): Date {
  return new Date();
}

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
  completed: 'Done: the name is provisioned',
  failed: 'Failed',
};

export class Progress {
  readonly status: ProvisionStatus;
  /** Set by the `checkNow` signal; the current wait ends early and the provider is asked at once. */
  checkNowRequested = false;

  constructor(init: { provider: ProvisionProvider; number: string; displayName: string }) {
    this.status = {
      ...init,
      step: 'validating',
      approval: 'not-submitted',
      recordId: null,
      resources: {},
      nextCheckAt: null,
      stepsDone: [{ step: 'validating', at: workflowNow().toISOString() }],
      failure: null,
    };
    setHandler(getStatus, () => this.status);
    setHandler(checkNow, () => {
      this.checkNowRequested = true;
    });
    this.index();
    // Twilio does not document the callback's body: any callback just means "look now".
    setHandler(trustProductStatusChanged, () => {
      this.checkNowRequested = true;
    });
  }

  enter(step: ProvisionStep, details?: string): void {
    this.status.step = step;
    this.status.nextCheckAt = null;
    this.status.stepsDone.push({ step, at: workflowNow().toISOString() });
    upsertSearchAttributes([{ key: CnamStep, value: step }]);
    this.details(details ?? `${STEP_SENTENCES[step]} (${this.providerName()}, ${this.status.number}, "${this.status.displayName}")`);
  }

  /** The number and name after validation (E.164, normalised), for status and search. */
  validated(number: string, displayName: string): void {
    this.status.number = number;
    this.status.displayName = displayName;
    this.index();
  }

  resource(role: string, id: string): void {
    this.status.resources[role] = id;
    if (role === 'trustProductSid') upsertSearchAttributes([{ key: CnamTrustProductSid, value: id }]);
  }

  /** What the Web UI shows as the workflow's current details: one human sentence. */
  details(sentence: string): void {
    setCurrentDetails(sentence);
  }

  private providerName(): string {
    return this.status.provider === 'flowroute' ? 'Flowroute' : 'Twilio';
  }

  private index(): void {
    upsertSearchAttributes([
      { key: CnamProvider, value: this.status.provider },
      { key: CnamPhoneNumber, value: this.status.number },
      { key: CnamDisplayName, value: this.status.displayName },
      { key: CnamStep, value: this.status.step },
    ]);
  }

  /** Runs the flow; a failure is recorded in the status (and the Web UI) before the run fails with it. */
  async recordingFailure<T>(flow: () => Promise<T>): Promise<T> {
    try {
      return await flow();
    } catch (err) {
      this.fail(err instanceof Error ? err.message : String(err));
      throw err;
    }
  }

  fail(message: string): void {
    this.status.failure = message;
    this.enter('failed', `Failed: ${message}`);
  }
}
