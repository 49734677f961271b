/** How every provider error becomes a Temporal failure: permanent 4xx with the provider's words, or retried. */
import { ApplicationFailure } from '@temporalio/activity';
import { FailureType } from './failures';

export interface ProviderError {
  /** False for a 4xx other than 429: retrying cannot change the answer. */
  retryable: boolean;
  message: string;
  details: Record<string, unknown>;
  /** The provider's Retry-After, for the next attempt. */
  retryAfterMs?: number | null;
}

export function providerFailure(error: ProviderError): ApplicationFailure {
  if (!error.retryable) {
    return ApplicationFailure.create({
      type: FailureType.ProviderRefused,
      message: error.message,
      nonRetryable: true,
      details: [error.details],
    });
  }
  return ApplicationFailure.create({
    type: FailureType.ProviderUnavailable,
    message: error.message,
    details: [error.details],
    nextRetryDelay: error.retryAfterMs ?? undefined,
  });
}

/** Runs one provider call, turning what it throws into a failure with `toFailure`. */
export async function mapProviderErrors<T>(toFailure: (err: unknown) => unknown, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toFailure(err);
  }
}
