import { setTimeout as sleep } from 'node:timers/promises';
import type { MiddlewareHandler } from 'hono';
import { flowrouteError } from './http';

/**
 * The next `count` requests matching `method` and `path` fail with `status`, after `delayMs` if set.
 * `path` matches as a prefix (so an exact path matches too). With `delayMs` and no `status` the request
 * is slow but then handled normally.
 */
export interface Fault {
  method?: string;
  path?: string;
  status?: number;
  /** Defaults to 1. */
  count?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
  title?: string;
  detail?: string;
}

interface ActiveFault extends Fault {
  remaining: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'ActionNotAuthorizedError',
  404: 'Resource not found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  422: 'Invalid CNAM value',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Checks a fault from an untyped source (the admin endpoint); returns an error message or the fault. */
export function validateFault(input: unknown): Fault | string {
  if (typeof input !== 'object' || input === null) return 'fault must be a JSON object';
  const f = input as Record<string, unknown>;
  const optional = (key: string, type: 'string' | 'number') =>
    f[key] === undefined || typeof f[key] === type ? null : `${key} must be a ${type}`;
  const problem =
    optional('method', 'string') ??
    optional('path', 'string') ??
    optional('status', 'number') ??
    optional('count', 'number') ??
    optional('retryAfterSeconds', 'number') ??
    optional('delayMs', 'number') ??
    optional('title', 'string') ??
    optional('detail', 'string');
  if (problem) return problem;
  const fault = f as Fault;
  if (fault.status === undefined && fault.delayMs === undefined) return 'fault needs a status or a delayMs';
  if (fault.status !== undefined && (!Number.isInteger(fault.status) || fault.status < 100 || fault.status > 599)) {
    return 'status must be an HTTP status code';
  }
  if (fault.count !== undefined && (!Number.isInteger(fault.count) || fault.count < 1)) return 'count must be a positive integer';
  if (fault.delayMs !== undefined && fault.delayMs < 0) return 'delayMs must not be negative';
  return fault;
}

/** Queued faults, consumed in the order they were injected. */
export class FaultQueue {
  #faults: ActiveFault[] = [];

  add(fault: Fault): void {
    const checked = validateFault(fault);
    if (typeof checked === 'string') throw new Error(`Flowroute sandbox: ${checked}`);
    this.#faults.push({ ...checked, remaining: checked.count ?? 1 });
  }

  clear(): void {
    this.#faults = [];
  }

  list(): ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /** Uses up one occurrence of the first fault that matches the request. */
  take(method: string, path: string): Fault | undefined {
    const fault = this.#faults.find(
      (f) => (!f.method || f.method.toUpperCase() === method.toUpperCase()) && (!f.path || path.startsWith(f.path)),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults = this.#faults.filter((f) => f !== fault);
    return fault;
  }
}

/** Applies queued faults before auth and routing, as a failing load balancer would. */
export function faultMiddleware(queue: FaultQueue, closing: AbortSignal): MiddlewareHandler {
  return async (c, next) => {
    const fault = queue.take(c.req.method, c.req.path);
    if (!fault) return next();
    if (fault.delayMs) {
      try {
        // Stop waiting when the client gives up or the server closes, so no timer outlives the test.
        await sleep(fault.delayMs, undefined, { signal: AbortSignal.any([closing, c.req.raw.signal]) });
      } catch {
        return flowrouteError(503, 'Service Unavailable', 'Request abandoned.');
      }
    }
    if (fault.status === undefined) return next();
    const headers: Record<string, string> =
      fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
    const title = fault.title ?? TITLES[fault.status] ?? 'Error';
    return flowrouteError(fault.status, title, fault.detail ?? 'Injected by the Flowroute sandbox.', headers);
  };
}
