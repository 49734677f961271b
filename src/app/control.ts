/**
 * Steering a running provisioning: cancel, and `checkNow` (an Update the workflow refuses, with the
 * reason, when it is not waiting on a review). Shared by the API, the CLI and the typed client.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { checkNow } from '../core/workflow/messages';
import { STATE_BY_STATUS_NAME } from './describe';
import { ProvisionNotRunningError } from './errors';

/** Requests cancellation; the workflow ends `cancelled` once it has acted on it. Throws WorkflowNotFoundError or ProvisionNotRunningError. */
export async function cancelProvision(
  client: Client,
  workflowId: string,
): Promise<{ workflowId: string; cancelRequested: true }> {
  const handle = await runningHandle(client, workflowId);
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
