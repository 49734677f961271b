import type { MiddlewareHandler } from 'hono';
import { rateLimitMiddleware, type RateLimiter } from '../shared/rate-limit';
import { TwilioApiError } from './errors';

/** Refuses requests over the limit with 429 / 20429; Twilio documents no Retry-After for 20429, so none is sent. */
export function twilioRateLimit(limiter: RateLimiter): MiddlewareHandler {
  return rateLimitMiddleware(limiter, () => {
    throw new TwilioApiError(429, 20429, 'Too Many Requests');
  });
}
