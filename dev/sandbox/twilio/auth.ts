import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { notFound, unauthenticated } from './errors';
import type { ResolvedOptions } from './options';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when the username/password pair is the account SID + auth token or a configured API key + secret. */
export function credentialsValid(opts: ResolvedOptions, user: string, pass: string): boolean {
  if (user.startsWith('AC')) return same(user, opts.accountSid) && same(pass, opts.authToken);
  if (user.startsWith('SK')) return opts.apiKeys.some((k) => same(user, k.sid) && same(pass, k.secret));
  return false;
}

/** HTTP Basic auth as Twilio does it; anything else is 401 / 20003 "Authenticate". */
export function basicAuth(opts: ResolvedOptions): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('Authorization') ?? '';
    const m = /^Basic\s+(.+)$/i.exec(header);
    const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 0 || !credentialsValid(opts, decoded.slice(0, colon), decoded.slice(colon + 1))) throw unauthenticated();
    await next();
  };
}

/** 2010 paths name the account; another account's SID is answered like an unknown resource (404 / 20404). */
export function assertOwnAccount(opts: ResolvedOptions, c: Context): void {
  if (c.req.param('accountSid') !== opts.accountSid) throw notFound(c.req.path);
}
