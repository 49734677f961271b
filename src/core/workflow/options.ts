/**
 * A workflow's tuning options, read from its provider's option table: checked against their bounds
 * before any API call, so an absurd value fails the run with a clear InvalidInput instead of making an
 * invalid Date that fails every workflow task after the provider work is done.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType } from '../failures';
import { checkOption, optionProblems, type OptionTable } from '../options';

/** Throws a non-retryable InvalidInput naming every option out of bounds. */
export function requireOptionsInBounds(table: OptionTable, input: object): void {
  const problems = optionProblems(table, input as Record<string, unknown>);
  if (problems.length === 0) return;
  throw ApplicationFailure.create({
    type: FailureType.InvalidInput,
    message: `Invalid provisioning request: ${problems.map((p) => p.message).join('; ')}`,
    nonRetryable: true,
    details: [problems],
  });
}

/** The value of option `field` as given in `input`, else its default: what messages quote. */
export function optionGiven<T extends OptionTable>(table: T, input: object, field: keyof T & string): string | number {
  const given = (input as Record<string, unknown>)[field];
  const value = given ?? table[field]!.default;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      message: `${field} is required`,
      nonRetryable: true,
    });
  }
  return value;
}

/** Option `field` of `input` (or its default): milliseconds for a duration, the count for days. */
export function optionValue<T extends OptionTable>(table: T, input: object, field: keyof T & string): number {
  const check = checkOption(field, table[field]!, optionGiven(table, input, field));
  if (!check.ok)
    throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: check.message, nonRetryable: true });
  return check.value;
}
