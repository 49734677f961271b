/**
 * Signing of webhook notifications, and its check for receivers. The signature is an HMAC-SHA256
 * of `<timestamp>.<body>`: binding the timestamp lets a receiver refuse replays of an old request.
 * Several secrets sign at once (comma-separated `v1=` values) so a receiver can rotate its secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isNotificationType, type NotificationEvent } from './events';

export const NOTIFICATION_HEADERS = {
  eventId: 'Cnam-Event-Id',
  /** Unix seconds when this attempt was signed. */
  timestamp: 'Cnam-Timestamp',
  /** `v1=<hex>` per secret, comma-separated. */
  signature: 'Cnam-Signature',
} as const;

/** How far a request's timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export type NotificationHeaders = Record<(typeof NOTIFICATION_HEADERS)[keyof typeof NOTIFICATION_HEADERS], string>;

/** What a receiver got: a fetch `Headers`, or node:http's `req.headers` (any case). */
export type ReceivedHeaders = Headers | Record<string, string | string[] | undefined>;

/** A request that is not a genuine, fresh notification; the message says why (safe to log, holds no secret). */
export class NotificationVerificationError extends Error {
  override readonly name = 'NotificationVerificationError';
}

function hmacHex(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/** The headers that sign `body` (the JSON of a NotificationEvent) at `nowMs`, one `v1=` per secret. */
export function signNotification(
  body: string,
  secrets: readonly string[],
  nowMs: number = Date.now(),
): NotificationHeaders {
  if (secrets.length === 0 || secrets.some((s) => s.length === 0)) throw new Error('signNotification needs secrets');
  const parsed: unknown = JSON.parse(body);
  const id = (parsed as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') throw new Error('signNotification: the body is not a notification event (no id)');
  const timestamp = String(Math.floor(nowMs / 1000));
  return {
    [NOTIFICATION_HEADERS.eventId]: id,
    [NOTIFICATION_HEADERS.timestamp]: timestamp,
    [NOTIFICATION_HEADERS.signature]: secrets.map((s) => `v1=${hmacHex(s, timestamp, body)}`).join(','),
  } as NotificationHeaders;
}

function readHeader(headers: ReceivedHeaders, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as Headers).get(name) ?? undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

export interface VerifyNotificationInput {
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
  headers: ReceivedHeaders;
  /** The receiver's secret (one of those the sender signs with). */
  secret: string;
  /** Default 300. */
  toleranceSeconds?: number;
  /** The receiver's clock; default now. */
  nowMs?: number;
}

/**
 * For receivers: checks the headers, the timestamp's freshness and the signature (in constant time),
 * then returns the event. Throws NotificationVerificationError saying what is wrong; answer it with 400.
 */
export function verifyNotification(input: VerifyNotificationInput): NotificationEvent {
  if (!input.secret) throw new Error('verifyNotification needs the secret');
  const fail = (message: string) => new NotificationVerificationError(message);
  const values = Object.values(NOTIFICATION_HEADERS).map((name) => [name, readHeader(input.headers, name)?.trim()]);
  const missing = values.filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0) throw fail(`Missing header${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const [eventId, timestamp, signature] = values.map(([, value]) => value as string) as [string, string, string];

  if (!/^\d{1,12}$/.test(timestamp)) throw fail(`${NOTIFICATION_HEADERS.timestamp} is not a unix time in seconds`);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const ageSeconds = Math.floor((input.nowMs ?? Date.now()) / 1000) - Number(timestamp);
  if (Math.abs(ageSeconds) > tolerance) {
    throw fail(
      `Stale ${NOTIFICATION_HEADERS.timestamp}: ${Math.abs(ageSeconds)} s ${ageSeconds >= 0 ? 'old' : 'in the future'}, beyond the ${tolerance} s tolerance (a replayed request, or a clock out of sync)`,
    );
  }

  const expected = Buffer.from(hmacHex(input.secret, timestamp, input.body), 'hex');
  const candidates = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith('v1='))
    .map((part) => part.slice(3))
    .filter((hex) => /^[0-9a-f]{64}$/i.test(hex));
  if (candidates.length === 0) throw fail(`${NOTIFICATION_HEADERS.signature} holds no v1= signature`);
  if (!candidates.some((hex) => timingSafeEqual(expected, Buffer.from(hex, 'hex')))) {
    throw fail(
      `Bad ${NOTIFICATION_HEADERS.signature}: no v1= value matches this secret (the body or timestamp was altered, or it was signed with another secret)`,
    );
  }

  let event: unknown;
  try {
    event = JSON.parse(input.body);
  } catch {
    throw fail('The body is not JSON');
  }
  const e = event as Partial<NotificationEvent> | null;
  if (typeof e !== 'object' || e === null || typeof e.id !== 'string' || !isNotificationType(e.type)) {
    throw fail('The body is not a notification event');
  }
  if (e.id !== eventId) throw fail(`${NOTIFICATION_HEADERS.eventId} does not match the body's id`);
  return e as NotificationEvent;
}
