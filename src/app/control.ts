/**
 * Steering a running provisioning: cancel, and `checkNow` (an Update the workflow refuses, with the
 * reason, when it is not waiting on a review). Shared by the API, the CLI and the typed client.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { checkNow } from '../core/workflow/messages';
import { STATE_BY_STATUS_NAME } from './describe';
import { AlreadyCancellingError, ProvisionNotRunningError } from './errors';

const CANCEL_REQUESTED = temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED;

/**
 * Requests cancellation; the workflow undoes what this run created and ends `cancelled`. Throws
 * WorkflowNotFoundError, ProvisionNotRunningError once it has ended, or AlreadyCancellingError when a
 * cancel was requested before (Temporal would accept a second one silently, and it would change nothing).
 */
export async function cancelProvision(
  client: Client,
  workflowId: string,
): Promise<{ workflowId: string; cancelRequested: true }> {
  const handle = await runningHandle(client, workflowId);
  const history = await whileRunning(client, workflowId, () => handle.fetchHistory());
  if (history.events?.some((e) => e.eventType === CANCEL_REQUESTED)) throw new AlreadyCancellingError(workflowId);
  await whileRunning(client, workflowId, () => handle.cancel());
  return { workflowId, cancelRequested: true };
}

/**
 * Asks a provisioning waiting on the provider's review to check now. Throws WorkflowNotFoundError,
 * or ProvisionNotRunningError when it is closed or not waiting (the workflow's own reason).
 */
export async function checkNowProvision(
  client: Client,
  workflowId: string,
): Promise<{ workflowId: string; signalled: true }> {
  const handle = await runningHandle(client, workflowId);
  try {
    await whileRunning(client, workflowId, () => handle.executeUpdate(checkNow));
  } catch (err) {
    // The validator's refusal: the run is there but waits on nothing.
    if (err instanceof WorkflowUpdateFailedError)
      throw new ProvisionNotRunningError(workflowId, 'running', err.cause?.message ?? err.message);
    throw err;
  }
  return { workflowId, signalled: true };
}

/** Delivers a provider's own signal (e.g. a callback's hint) to a running provisioning. */
export async function signalProvision<Args extends unknown[]>(
  client: Client,
  workflowId: string,
  signal: SignalDefinition<Args>,
  ...args: Args
): Promise<void> {
  await client.workflow.getHandle(workflowId).signal(signal, ...args);
}

// Cancelling a closed run succeeds silently and updating one fails obscurely: describe first to say why not.
async function runningHandle(client: Client, workflowId: string) {
  const handle = client.workflow.getHandle(workflowId);
  const { status } = await handle.describe();
  if (status.name !== 'RUNNING')
    throw new ProvisionNotRunningError(workflowId, STATE_BY_STATUS_NAME[status.name] ?? 'unknown');
  return handle;
}

/**
 * Runs `action` on a run described as running a moment ago. If it closed in between, Temporal answers
 * "not found": the run is described again, and one that exists but has closed becomes
 * ProvisionNotRunningError instead of a 404 for a provisioning that exists.
 */
async function whileRunning<T>(client: Client, workflowId: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const closed = await client.workflow
      .getHandle(workflowId)
      .describe()
      .catch(() => null);
    if (!closed) throw err;
    throw new ProvisionNotRunningError(workflowId, STATE_BY_STATUS_NAME[closed.status.name] ?? 'unknown');
  }
}
