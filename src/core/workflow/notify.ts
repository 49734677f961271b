/**
 * Telling the optional webhook what happened, from a workflow. The activity decides whether a webhook
 * is configured (the workflow never needs to know) and signs with the worker's secret; a delivery
 * that fails for good is reported to the caller, never thrown: the run's outcome must not depend on
 * the receiver.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  NotificationEvent,
  NotificationFailureTypeName,
  NotificationType,
  NotifyActivities,
} from '../../notify/activities';

const REFUSED: NotificationFailureTypeName = 'NotificationRefused';

/** 12 attempts from 10 s doubling to an hour: a receiver down for a few hours still gets the event. */
const { deliverNotification } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '10s',
    backoffCoefficient: 2,
    maximumInterval: '1h',
    maximumAttempts: 12,
    nonRetryableErrorTypes: [REFUSED],
  },
});

/** Events sent so far in this run, by type. Module state is per workflow execution in the SDK's sandbox. */
const sentByType = new Map<NotificationType, number>();

export interface NotifyInit {
  type: NotificationType;
  provider?: string | null;
  number?: string | null;
  displayName?: string | null;
  data?: Record<string, unknown>;
}

export interface NotifyOutcome {
  delivered: boolean;
  detail: string;
}

/**
 * Sends one event, retried with backoff; never throws for a delivery failure. Runs to the end even
 * when the workflow is being cancelled, so a failure notice is not lost.
 */
export async function notify(init: NotifyInit): Promise<NotifyOutcome> {
  const { workflowId, runId } = workflowInfo();
  // Counted, not random: the id must be the same on replay and across the activity's retries.
  const n = (sentByType.get(init.type) ?? 0) + 1;
  sentByType.set(init.type, n);
  const event: NotificationEvent = {
    id: `${workflowId}/${runId}/${init.type}/${n}`,
    type: init.type,
    occurredAt: new Date().toISOString(),
    workflowId,
    runId,
    provider: init.provider ?? null,
    number: init.number ?? null,
    displayName: init.displayName ?? null,
    data: init.data ?? {},
  };
  try {
    const { delivered, detail } = await CancellationScope.nonCancellable(() => deliverNotification(event));
    return { delivered, detail };
  } catch (err) {
    const detail = whyNotDelivered(err);
    log.warn('webhook notification not delivered', { eventId: event.id, detail });
    return { delivered: false, detail };
  }
}

function whyNotDelivered(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && (cause.nonRetryable || cause.type === REFUSED)) return cause.message;
  return `gave up retrying: ${cause instanceof Error ? cause.message : String(cause)}`;
}
