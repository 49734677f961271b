/**
 * The optional outbound webhook: one signed JSON POST per attempt, retried with backoff by the
 * activity retry policy (src/core/workflow/notify.ts). Configured by CNAM_NOTIFY_URL and
 * CNAM_NOTIFY_SECRET in the worker's environment; neither set means notifications are skipped.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { type NotificationEvent, NotificationFailureType } from './events';
import { signNotification } from './signature';

export type { NotificationEvent, NotificationFailureTypeName, NotificationType } from './events';

/** Below the activity's 30 s start-to-close, so the request, not Temporal, gives up first. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A receiver's error body is quoted up to this length. */
const QUOTED_BODY_CHARS = 200;
/** A 429's Retry-After is honoured up to the policy's longest interval. */
const MAX_RETRY_AFTER_MS = 3_600_000;

/** Trimmed; a blank variable (e.g. `CNAM_NOTIFY_URL=` from a compose file) counts as unset. */
const unsetIfBlank = (value: unknown) => (typeof value === 'string' ? value.trim() || undefined : value);

/** Also called when the URL check already failed (zod runs every check). */
function hasCredentials(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { username, password } = new URL(url);
  return username !== '' || password !== '';
}

const notifySchema = z
  .object({
    CNAM_NOTIFY_URL: z.preprocess(
      unsetIfBlank,
      z
        .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
        .refine((u) => !hasCredentials(u), 'must not hold credentials (receivers check the signature instead)')
        .optional(),
    ),
    CNAM_NOTIFY_SECRET: z.preprocess(
      unsetIfBlank,
      z
        .string()
        .transform((list) => list.split(',').map((s) => s.trim()))
        .pipe(z.array(z.string().min(16, 'each secret (comma-separated) must be at least 16 characters')))
        .optional(),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.CNAM_NOTIFY_URL && !env.CNAM_NOTIFY_SECRET)
      ctx.addIssue({
        code: 'custom',
        path: ['CNAM_NOTIFY_SECRET'],
        message: 'required when CNAM_NOTIFY_URL is set (the key receivers check signatures with, 16+ characters)',
      });
    if (env.CNAM_NOTIFY_SECRET && !env.CNAM_NOTIFY_URL)
      ctx.addIssue({ code: 'custom', path: ['CNAM_NOTIFY_URL'], message: 'required when CNAM_NOTIFY_SECRET is set' });
  });

export interface NotifyConfig {
  url: URL;
  /** Every secret signs; the first is the current one, the others are kept while receivers rotate. */
  secrets: string[];
}

/** The webhook from `env`, or null when none is configured; throws ConfigError naming a bad variable. */
export function loadNotifyConfig(env: NodeJS.ProcessEnv = process.env): NotifyConfig | null {
  const parsed = parseEnv(notifySchema, env, 'notification');
  if (!parsed.CNAM_NOTIFY_URL || !parsed.CNAM_NOTIFY_SECRET) return null;
  return { url: new URL(parsed.CNAM_NOTIFY_URL), secrets: parsed.CNAM_NOTIFY_SECRET };
}

export interface NotificationDelivery {
  delivered: boolean;
  /** The receiver's HTTP status; null when nothing was sent. */
  status: number | null;
  detail: string;
}

/** Built once per worker: a bad configuration stops the worker at start (ConfigError). */
export function createNotifyActivities(env: NodeJS.ProcessEnv = process.env) {
  const config = loadNotifyConfig(env);
  return {
    /**
     * POSTs `event` signed. Throws a retryable NotificationUnavailable (408, 429, 5xx, network,
     * timeout) or a non-retryable NotificationRefused (other 4xx, a redirect).
     */
    async deliverNotification(event: NotificationEvent): Promise<NotificationDelivery> {
      if (!config) return { delivered: false, status: null, detail: 'no webhook configured (CNAM_NOTIFY_URL)' };
      return post(config, event);
    },
  };
}

export type NotifyActivities = ReturnType<typeof createNotifyActivities>;

async function post({ url, secrets }: NotifyConfig, event: NotificationEvent): Promise<NotificationDelivery> {
  const { log, cancellationSignal, info } = Context.current();
  // Origin and path only: a query string may carry a token.
  const target = `${url.origin}${url.pathname}`;
  const where = { eventId: event.id, type: event.type, target, attempt: info.attempt };
  const body = JSON.stringify(event);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'cnam-orchestrator',
        ...signNotification(body, secrets, Date.now()),
      },
      // A redirect is answered as refused: following one would send the signed event elsewhere.
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(REQUEST_TIMEOUT_MS), cancellationSignal]),
    });
  } catch (err) {
    if (cancellationSignal.aborted) throw err;
    const message =
      (err as Error).name === 'TimeoutError'
        ? `Webhook ${target} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : `Webhook ${target} unreachable: ${networkReason(err)}`;
    log.info('webhook notification attempt failed, retried by policy', { ...where, reason: message });
    throw ApplicationFailure.create({ type: NotificationFailureType.Unavailable, message });
  }

  if (res.status >= 200 && res.status < 300) {
    await res.body?.cancel().catch(() => undefined);
    log.info('webhook notification delivered', { ...where, status: res.status });
    return { delivered: true, status: res.status, detail: `${target} answered ${res.status}` };
  }
  const quoted = await quoteBody(res);
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    const message = `Webhook ${target} answered ${res.status}: ${quoted}`;
    const nextRetryDelay = res.status === 429 ? retryAfterMs(res.headers.get('retry-after')) : undefined;
    log.info('webhook notification attempt failed, retried by policy', {
      ...where,
      status: res.status,
      nextRetryDelay,
    });
    throw ApplicationFailure.create({
      type: NotificationFailureType.Unavailable,
      message,
      ...(nextRetryDelay !== undefined && { nextRetryDelay }),
    });
  }
  const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed)' : '';
  const message = `Webhook ${target} answered ${res.status}${redirect}: ${quoted}`;
  log.warn('webhook notification refused, not retried', { ...where, status: res.status });
  throw ApplicationFailure.create({ type: NotificationFailureType.Refused, message, nonRetryable: true });
}

/** fetch's "fetch failed" hides the reason in `cause` (e.g. connect ECONNREFUSED). */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}

/** The start of the body, read no further than needed (a receiver may answer with a large page). */
async function quoteBody(res: Response): Promise<string> {
  if (!res.body) return '(empty body)';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < QUOTED_BODY_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    // What arrived is enough to quote.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const quoted = text.replace(/\s+/g, ' ').trim().slice(0, QUOTED_BODY_CHARS);
  return quoted || '(empty body)';
}

/** A Retry-After in seconds or as an HTTP date, in milliseconds, between 1 s and an hour. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 1000), MAX_RETRY_AFTER_MS);
}
