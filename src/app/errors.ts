/** The application layer's errors: what the API, the CLI and the typed client turn into answers. */
import { WorkflowFailedError } from '@temporalio/client';
import { describeProblems, type RequestProblem } from '../core/request-problem';
import type { Operation } from '../core/workflow/messages';
import type { ExecutionState } from './describe';

/** The request broke a rule before anything was started; `problems` names each field and rule. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';
  constructor(readonly problems: RequestProblem[]) {
    super(describeProblems(problems, '\n'));
  }
}

/** The provisioning is closed (or not waiting), so it can no longer be cancelled or asked to check. */
export class ProvisionNotRunningError extends Error {
  override readonly name = 'ProvisionNotRunningError';
  constructor(
    readonly workflowId: string,
    readonly state: ExecutionState,
    reason?: string,
  ) {
    super(reason ?? `${workflowId} is ${state}, not running`);
  }
}

/**
 * Another operation runs on the number (one run per number at a time, under its workflow id): e.g. a
 * rename asked while its provisioning still runs. Nothing was started.
 */
export class NumberBusyError extends Error {
  override readonly name = 'NumberBusyError';
  constructor(
    readonly workflowId: string,
    /** What the running one does; `unknown` when its workflow type is none of ours. */
    readonly runningOperation: Operation | 'unknown',
  ) {
    super(
      `${workflowId} is running ${runningOperation === 'unknown' ? 'another operation' : `a ${runningOperation}`} on this number; wait for it to end or cancel it`,
    );
  }
}

/** A cancel was already requested for this run: it is undoing what it did, or about to. */
export class AlreadyCancellingError extends Error {
  override readonly name = 'AlreadyCancellingError';
  constructor(readonly workflowId: string) {
    super(
      `${workflowId} is already being cancelled (a cancel was requested earlier); it ends once its undo steps have run`,
    );
  }
}

/** The innermost cause's message: Temporal wraps activity failures in layers. */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (err instanceof WorkflowFailedError && current === err) return err.message;
  return current instanceof Error ? current.message : String(current);
}
