import type { MiddlewareHandler } from 'hono';
import { basicAuth, sameSecret } from '../shared/basic-auth';
import { flowrouteError } from './errors';
import type { ResolvedOptions } from './options';

/** HTTP Basic with the access key as user and the secret key as password; anything else is Flowroute's 401. */
export function flowrouteAuth(opts: ResolvedOptions): MiddlewareHandler {
  return basicAuth(
    (user, password) => sameSecret(user, opts.accessKey) && sameSecret(password, opts.secretKey),
    () => flowrouteError(401, 'Unauthorized', 'Authentication failed.'),
  );
}
