/** Everything a caller needs to decide whether a failed Flowroute call is worth repeating. */
export interface FlowrouteApiErrorInit {
  status: number | null;
  title: string;
  detail: string;
  retryable: boolean;
  retryAfterMs?: number | null;
  errorId?: string | null;
  method?: string;
  path?: string;
  cause?: unknown;
}

/**
 * A failed Flowroute call: an `errors` document, an unexpected body, a network failure or a timeout.
 * `status` is null when no HTTP response arrived.
 */
export class FlowrouteApiError extends Error {
  override readonly name = 'FlowrouteApiError';
  readonly status: number | null;
  readonly title: string;
  readonly detail: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;
  readonly errorId: string | null;
  /** The request that failed, e.g. `POST` and `/v2/cnams`, for logs. */
  readonly method: string | null;
  readonly path: string | null;

  constructor(init: FlowrouteApiErrorInit) {
    super(
      formatMessage(init.status, init.title, init.detail),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.errorId = init.errorId ?? null;
    this.method = init.method ?? null;
    this.path = init.path ?? null;
  }
}

function formatMessage(status: number | null, title: string, detail: string): string {
  const head = status === null ? `Flowroute ${title}` : `Flowroute ${status} ${title}`;
  return detail ? `${head}: ${detail}` : head;
}

/** Reads `Retry-After` as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: string | null, nowMs: number = Date.now()): number | null {
  if (header === null || header.trim() === '') return null;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
