/** The activity proxy every workflow uses: timeouts and retries declared once. */
import { proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { NON_RETRYABLE_FAILURES } from '../failures';

export const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '5m', nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
});
