/**
 * Cancel and check-now describe the run, then act on it. A run can close in between (a cancel just
 * requested, a failure): Temporal then says "not found", which would be a 404 for a provisioning
 * that exists. Shared by the API and the typed client, so both answer "not running" instead.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ProvisionNotRunningError } from './list';
import type { ExecutionState } from './start';

/** Runs `action`; a WorkflowNotFoundError for a run that exists but has closed becomes ProvisionNotRunningError. */
export async function whileRunning<T>(client: Client, workflowId: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    const closed = await client.workflow.getHandle(workflowId).describe().catch(() => null);
    if (!closed) throw err;
    // RUNNING, CANCELLED, TIMED_OUT, CONTINUED_AS_NEW… read as our states: running, cancelled, timed-out…
    throw new ProvisionNotRunningError(workflowId, closed.status.name.toLowerCase().replace(/_/g, '-') as ExecutionState);
  }
}
