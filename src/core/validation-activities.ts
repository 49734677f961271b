import { ApplicationFailure } from '@temporalio/activity';
import { addUsBusinessDays } from './business-days';
import { checkProvisionRequest, describeProblems, type ProvisionRequest, type ValidatedProvisionRequest } from '../app/request';
import { FailureType } from './failures';

/** Rejects a bad name or number before any provider call, naming the rules broken. */
export async function validateProvisionRequest(request: ProvisionRequest): Promise<ValidatedProvisionRequest> {
  const check = checkProvisionRequest(request);
  if (!check.ok) {
    throw ApplicationFailure.create({
      type: FailureType.InvalidInput,
      message: `Invalid provisioning request: ${describeProblems(check.problems)}`,
      nonRetryable: true,
      details: [check.problems],
    });
  }
  return check.value;
}

export interface EffectiveByInput {
  /** ISO-8601 start of the wait. */
  from: string;
  businessDays: number;
}

/**
 * Computed in an activity rather than in the workflow: the holiday calendar comes from a
 * library whose data changes between releases, and the recorded result keeps replays stable.
 */
export async function computeEffectiveBy(input: EffectiveByInput): Promise<{ effectiveBy: string }> {
  return { effectiveBy: addUsBusinessDays(new Date(input.from), input.businessDays).toISOString() };
}
