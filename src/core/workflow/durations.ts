/**
 * Durations inside the workflow: checked against the bounds of domain/duration before any API call,
 * so an absurd value fails the run with a clear InvalidInput instead of making an invalid Date that
 * fails every workflow task after the provider work is done.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { checkDuration, durationProblems, type DurationField, type DurationInput } from '../duration';
import { FailureType } from '../failures';

/** Throws a non-retryable InvalidInput naming every duration out of bounds. */
export function requireDurationsInBounds(input: object): void {
  const problems = durationProblems(input as Record<string, unknown>);
  if (problems.length === 0) return;
  throw ApplicationFailure.create({
    type: FailureType.InvalidInput,
    message: `Invalid provisioning request: ${problems.map((p) => p.message).join('; ')}`,
    nonRetryable: true,
    details: [problems],
  });
}

/** Milliseconds of `value` (a caller's, already checked, or a default) for the duration `field`. */
export function durationOf(field: DurationField, value: DurationInput): number {
  const check = checkDuration(field, value);
  if (!check.ok) throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: check.message, nonRetryable: true });
  return check.ms;
}
