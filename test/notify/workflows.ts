/** Test workflows for notifications. */
import { isCancellation, sleep } from '@temporalio/workflow';
import { notify, type NotifyInit, type NotifyOutcome } from '../../src/core/workflow/notify';

export interface SentNotification extends NotifyOutcome {
  /** Workflow time the delivery took, retries included. */
  elapsedMs: number;
}

/** Sends the given events in order and reports each outcome. */
export async function sendNotifications(input: { notifications: NotifyInit[] }): Promise<SentNotification[]> {
  const sent: SentNotification[] = [];
  for (const init of input.notifications) {
    const startedAt = Date.now();
    const outcome = await notify(init);
    sent.push({ ...outcome, elapsedMs: Date.now() - startedAt });
  }
  return sent;
}

/** Waits to be cancelled, then sends a failure notice from the cancelled workflow, as a provisioning's undo path would. */
export async function notifyWhenCancelled(): Promise<void> {
  try {
    await sleep('30 days');
  } catch (err) {
    if (isCancellation(err)) await notify({ type: 'cnam.failed', data: { reason: 'cancelled' } });
    throw err;
  }
}
