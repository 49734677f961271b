import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** `METHOD /route/pattern` of the matched route; a wildcard pattern such as `/v2/*` means none matched. */
export const routeKey = (c: Context): string => `${c.req.method} ${routePath(c, -1)}`;

/** Adds one to `counts[key]`: each emulator keeps its counts in a plain record its state shows. */
export function tally(counts: Record<string, number>): (key: string) => void {
  return (key) => {
    counts[key] = (counts[key] ?? 0) + 1;
  };
}

/** Counts every request that arrives, before any fault can stop it. */
export function countRequests(count: (key: string) => void): MiddlewareHandler {
  return async (c, next) => {
    count(routeKey(c));
    await next();
  };
}

/**
 * Counts writes the route handler applied (a 2xx to a write method), whether or not the client got the
 * answer, so a test can tell "the request arrived" from "the write happened". Mount it after the faults.
 */
export function countWrites(count: (key: string) => void): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (WRITES.has(c.req.method) && c.res.status >= 200 && c.res.status < 300) count(routeKey(c));
  };
}

/**
 * Counts the answers with `status`, whichever layer sent them (the rate limit or an injected fault), so a test can
 * prove a client was never refused. Mount it before them.
 */
export function countStatus(status: number, count: () => void): MiddlewareHandler {
  return async (c, next) => {
    await next();
    if (c.res.status === status) count();
  };
}
