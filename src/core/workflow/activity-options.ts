/** The activity proxy every workflow uses: timeouts and retries declared once. */
import { proxyActivities } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES } from '../failures';
import type { CoreActivities } from '../validation-activities';

/** A proxy for the core activities plus the provider's own `A`, with the project's timeouts and retries. */
export function proxyCnamActivities<A extends object>() {
  return proxyActivities<CoreActivities & A>({
    startToCloseTimeout: '30s',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '5m',
      nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
    },
  });
}
