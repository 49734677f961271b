/**
 * The activity proxy every workflow uses: timeouts and retries declared once, and each provider's
 * activities sent to that provider's own task queue (`<workflow task queue>-<provider>`), where the
 * server enforces the provider's request rate across every worker (maxTaskQueueActivitiesPerSecond).
 */
import { ActivityCancellationType, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES } from '../failures';
import type { CoreActivities } from '../validation-activities';

const OPTIONS = {
  startToCloseTimeout: '30s',
  // On cancel, a call in flight is let finish (or time out) before the workflow goes on to undo: the
  // undo then reads a provider that is no longer changing under it. Not retried once cancelled.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NON_RETRYABLE_FAILURES,
  },
} as const;

/** The core activities: no provider call, so they stay on the workflow's own task queue. */
export const CORE_ACTIVITY_NAMES = [
  'validateProvisionRequest',
  'validateNumber',
  'validateProvisionGroup',
  'computeEffectiveBy',
  'dipCallerName',
] as const satisfies readonly (keyof CoreActivities)[];

/** The task queue of `providerId`'s activities for workflows on `workflowTaskQueue`. */
export function providerTaskQueue(workflowTaskQueue: string, providerId: string): string {
  return `${workflowTaskQueue}-${providerId}`;
}

/**
 * The core activities plus `providerId`'s own `A`. The provider's queue is named after the running
 * workflow's, so it is read when an activity is called (workflowInfo exists only inside a workflow).
 */
export function proxyCnamActivities<A extends object>(providerId: string): CoreActivities & A {
  const core = proxyActivities<CoreActivities>(OPTIONS);
  const coreNames = new Set<string | symbol>(CORE_ACTIVITY_NAMES);
  return new Proxy({} as CoreActivities & A, {
    get(_, name) {
      if (coreNames.has(name)) return core[name as keyof CoreActivities];
      const provider = proxyActivities<A>({
        ...OPTIONS,
        taskQueue: providerTaskQueue(workflowInfo().taskQueue, providerId),
      });
      return provider[name as keyof A];
    },
  });
}
