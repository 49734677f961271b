/** The application layer's errors: what the API, the CLI and the typed client turn into answers. */
import { WorkflowFailedError } from '@temporalio/client';
import { describeProblems, type RequestProblem } from '../core/request-problem';
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

/** The innermost cause's message: Temporal wraps activity failures in layers. */
export function failureMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  if (err instanceof WorkflowFailedError && current === err) return err.message;
  return current instanceof Error ? current.message : String(current);
}
