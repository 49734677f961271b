import type { Context, MiddlewareHandler } from 'hono';
import { basicAuth, sameSecret } from '../shared/basic-auth';
import { notFound, unauthenticated } from './errors';
import type { ResolvedOptions } from './options';

/** True when the username/password pair is the account SID + auth token or a configured API key + secret. */
export function credentialsValid(opts: ResolvedOptions, user: string, pass: string): boolean {
  if (user.startsWith('AC')) return sameSecret(user, opts.accountSid) && sameSecret(pass, opts.authToken);
  if (user.startsWith('SK')) return opts.apiKeys.some((k) => sameSecret(user, k.sid) && sameSecret(pass, k.secret));
  return false;
}

/** HTTP Basic auth as Twilio does it; anything else is 401 / 20003 "Authenticate". */
export function twilioAuth(opts: ResolvedOptions): MiddlewareHandler {
  return basicAuth(
    (user, pass) => credentialsValid(opts, user, pass),
    () => {
      throw unauthenticated();
    },
  );
}

/** 2010 paths name the account; another account's SID is answered like an unknown resource (404 / 20404). */
export function assertOwnAccount(opts: ResolvedOptions, c: Context): void {
  if (c.req.param('accountSid') !== opts.accountSid) throw notFound(c.req.path);
}
