/**
 * The events an optional outbound webhook receives. Pure (no Node modules): workflow code builds
 * them, the notify activity signs and sends them, receivers parse them.
 */

export const NOTIFICATION_TYPES = [
  'cnam.completed',
  'cnam.rejected',
  'cnam.failed',
  'cnam.verification',
  'cnam.drift',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface NotificationEvent {
  /** Stable across retries of a delivery: receivers dedupe on it. */
  id: string;
  type: NotificationType;
  /** ISO-8601, the workflow's clock when the event happened (not when it was delivered). */
  occurredAt: string;
  workflowId: string;
  runId: string;
  provider: string | null;
  /** E.164 when known. */
  number: string | null;
  displayName: string | null;
  /** Type-specific details (a failure's message, a verification's outcome, the drifted name, ...). */
  data: Record<string, unknown>;
}

/** `ApplicationFailure` types of the notify activity. */
export const NotificationFailureType = {
  /** The receiver answered 4xx (other than 408/429) or a redirect: retrying cannot change it. */
  Refused: 'NotificationRefused',
  /** 408, 429, 5xx, a network failure or a timeout: retried with backoff. */
  Unavailable: 'NotificationUnavailable',
} as const;

export type NotificationFailureTypeName = (typeof NotificationFailureType)[keyof typeof NotificationFailureType];

/** Whether `type` is one of NOTIFICATION_TYPES. */
export function isNotificationType(type: unknown): type is NotificationType {
  return typeof type === 'string' && (NOTIFICATION_TYPES as readonly string[]).includes(type);
}
