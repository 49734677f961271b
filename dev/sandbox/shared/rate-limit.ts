import type { Context, MiddlewareHandler } from 'hono';

/** A provider's request-rate limit: `requestsPerSecond` sustained, up to `burst` at once. */
export interface RateLimit {
  /** Sustained rate, greater than 0 (0.5 is one request every two seconds). */
  requestsPerSecond: number;
  /** Requests accepted at once from a full bucket, a whole number of at least 1; defaults to one second's worth. */
  burst?: number;
}

/** A limit with its default burst filled in, as the sandbox shows it. */
export type ResolvedRateLimit = Required<RateLimit>;

/** Checks a limit from an untyped source; returns the problem as a message, or the limit (null: no limit). */
export function checkRateLimit(input: unknown): ResolvedRateLimit | null | string {
  if (input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) return 'rate limit must be {"requestsPerSecond": n} or null';
  const { requestsPerSecond: rps, burst, ...rest } = input as Record<string, unknown>;
  // A typo must fail loudly instead of leaving a limit that is not the one meant.
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return `unknown rate limit field ${unknown}`;
  if (typeof rps !== 'number' || !Number.isFinite(rps) || rps <= 0)
    return 'requestsPerSecond must be a number greater than 0';
  if (burst !== undefined && (typeof burst !== 'number' || !Number.isInteger(burst) || burst < 1))
    return 'burst must be an integer of at least 1';
  return { requestsPerSecond: rps, burst: burst ?? Math.max(1, Math.floor(rps)) };
}

/**
 * The limit in force and its bucket. A token bucket rather than a one-second window: the limiters a client puts in
 * front of a provider (Temporal's task-queue rate limit among them) are token buckets, so a client held to this rate
 * and burst or less is never refused, while a window would refuse a full burst followed by traffic at the rate.
 */
export class RateLimiter {
  readonly #now: () => number;
  #limit: ResolvedRateLimit | null = null;
  #tokens = 0;
  #at = 0;

  /** `now` is the emulator's clock, so tests can drive the refill. */
  constructor(now: () => number, limit: ResolvedRateLimit | null = null) {
    this.#now = now;
    this.set(limit);
  }

  /** The limit in force; null when requests are not limited. */
  get(): ResolvedRateLimit | null {
    return this.#limit && { ...this.#limit };
  }

  /** Puts an already checked limit in force (null lifts it) with a full bucket. */
  set(limit: ResolvedRateLimit | null): ResolvedRateLimit | null {
    this.#limit = limit && { ...limit };
    this.#tokens = limit?.burst ?? 0;
    this.#at = this.#now();
    return this.get();
  }

  /** Takes a token for one request: undefined when it may go ahead, else milliseconds until a token is back. */
  take(): number | undefined {
    const limit = this.#limit;
    if (!limit) return undefined;
    const now = this.#now();
    // A clock set back (a test's) refills nothing rather than draining the bucket.
    const elapsed = Math.max(0, now - this.#at);
    this.#at = Math.max(this.#at, now);
    this.#tokens = Math.min(limit.burst, this.#tokens + (elapsed * limit.requestsPerSecond) / 1000);
    // The epsilon keeps float rounding (0.1 * 10) from refusing a request that arrived exactly on time.
    if (this.#tokens >= 1 - 1e-9) {
      this.#tokens = Math.max(0, this.#tokens - 1);
      return undefined;
    }
    return ((1 - this.#tokens) * 1000) / limit.requestsPerSecond;
  }
}

/**
 * Refuses requests over the limit before the faults, auth and routes see them, so a refused request changes
 * nothing; a refused request takes no token. `refuse` answers in the provider's format (or throws its error), given
 * Retry-After in whole seconds, at least 1.
 */
export function rateLimitMiddleware(
  limiter: RateLimiter,
  refuse: (c: Context, retryAfterSeconds: number) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    const waitMs = limiter.take();
    if (waitMs === undefined) return next();
    return refuse(c, Math.max(1, Math.ceil(waitMs / 1000)));
  };
}
