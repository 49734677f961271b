/**
 * The status every provisioning workflow reports: one object, updated as steps start,
 * answered by the `getStatus` query and woken by the `checkNow` signal.
 */
import { setHandler } from '@temporalio/workflow';
import { checkNow, getStatus, trustProductStatusChanged, type ProvisionProvider, type ProvisionStatus, type ProvisionStep } from './messages';

/** Workflow time: the sandbox replaces `Date` with the deterministic time of the current workflow task. */
export function workflowNow(): Date {
  return new Date();
}

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
    // Twilio does not document the callback's body: any callback just means "look now".
    setHandler(trustProductStatusChanged, () => {
      this.checkNowRequested = true;
    });
  }

  enter(step: ProvisionStep): void {
    this.status.step = step;
    this.status.nextCheckAt = null;
    this.status.stepsDone.push({ step, at: workflowNow().toISOString() });
  }

  resource(role: string, id: string): void {
    this.status.resources[role] = id;
  }

  fail(message: string): void {
    this.status.failure = message;
    this.enter('failed');
  }
}
