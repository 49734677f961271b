/** Bearer-token auth for /v1: one shared token from the environment, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './context';
import { ApiError } from './errors';

// Digests have equal lengths whatever was sent, so timingSafeEqual never leaks the token's length.
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** 401 (with `WWW-Authenticate: Bearer`) without `Authorization: Bearer <token>` or with a wrong token. */
export function bearerAuth(token: string): MiddlewareHandler<ApiEnv> {
  const expected = digest(token);
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="cnam"');
      throw new ApiError(
        401,
        'unauthorized',
        match ? 'The bearer token is not valid' : 'Authorization: Bearer <token> is required',
      );
    }
    await next();
  };
}
