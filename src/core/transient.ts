/**
 * The one list of HTTP statuses worth repeating, for every provider. Everything else in 4xx means
 * the request itself is wrong and fails for good with the provider's words.
 * - 408 Request Timeout: the server gave up waiting for us; the same request can succeed.
 * - 409 Conflict: on a create, another attempt of ours got there first or is in flight; the retry
 *   looks again and finds what it made.
 * - 429 Too Many Requests: a rate or concurrency limit (Twilio 20429 promises no Retry-After).
 * - 5xx: the provider failed.
 */
export const TRANSIENT_4XX_STATUSES: readonly number[] = [408, 409, 429];

export function isTransientStatus(status: number): boolean {
  return status >= 500 || TRANSIENT_4XX_STATUSES.includes(status);
}
