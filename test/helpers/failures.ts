import { ApplicationFailure } from '@temporalio/common';

/** The innermost ApplicationFailure of a workflow failure (activity failures come wrapped). */
export function rootApplicationFailure(err: unknown): ApplicationFailure | undefined {
  let found: ApplicationFailure | undefined;
  let current: unknown = err;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure) found = current;
    current = current.cause;
  }
  return found;
}
