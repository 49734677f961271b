import type { MiddlewareHandler } from 'hono';
import { rateLimitMiddleware, type RateLimiter } from '../shared/rate-limit';
import { flowrouteError } from './errors';

/** Refuses requests over the limit with Flowroute's error document and a Retry-After in seconds. */
export function flowrouteRateLimit(limiter: RateLimiter): MiddlewareHandler {
  return rateLimitMiddleware(limiter, (_c, retryAfterSeconds) =>
    flowrouteError(
      429,
      'Too Many Requests',
      `Rate limit of ${limiter.get()?.requestsPerSecond} requests per second exceeded; retry after ${retryAfterSeconds} s.`,
      { 'Retry-After': String(retryAfterSeconds) },
    ),
  );
}
