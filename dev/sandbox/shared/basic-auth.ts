import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

/** Compares in constant time, so how long a refusal takes does not tell how much of a secret was right. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The user and password of an `Authorization: Basic …` header; undefined when it is absent or malformed. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+(.+)$/i.exec((header ?? '').trim());
  const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * HTTP Basic auth, which both providers use. `accepts` judges the pair; `refuse` answers in the provider's own
 * 401 format, or throws the provider's error for its central error handler.
 */
export function basicAuth(
  accepts: (user: string, password: string) => boolean,
  refuse: (c: Context) => Response,
): MiddlewareHandler {
  return async (c, next) => {
    const credentials = basicCredentials(c.req.header('Authorization'));
    if (!credentials || !accepts(credentials.user, credentials.password)) return refuse(c);
    await next();
  };
}
