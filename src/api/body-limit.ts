/**
 * The request-body cap. hono/body-limit rebuilds the request as `new Request(c.req.raw, …)` when
 * there is no Content-Length (chunked, or a body-less POST); @hono/node-server's lightweight request
 * is no undici Request unless it replaces the global one (we keep `overrideGlobalObjects: false`),
 * so that threw and every such request was a 500. This one reads the stream itself and rebuilds
 * the request from its URL, method and headers.
 */
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './context';
import { ApiError } from './errors';

/** Every body the API reads is small JSON or a form; anything longer is refused (413). */
export const MAX_BODY_BYTES = 64 * 1024;

/** A fleet's rows (up to 10,000 of a few hundred bytes each) are the one large body. */
export const MAX_FLEET_BODY_BYTES = 4 * 1024 * 1024;

/**
 * 413 when the body is longer than its path's limit in `byPath` (exact paths), else `maxBytes`,
 * whether it declares a Content-Length or is chunked.
 */
export function bodyLimit(byPath: Record<string, number> = {}, maxBytes = MAX_BODY_BYTES): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const limit = Object.hasOwn(byPath, c.req.path) ? byPath[c.req.path]! : maxBytes;
    const tooLarge = () => new ApiError(413, 'payload-too-large', `Bodies are limited to ${limit} bytes`);
    const declared = raw.headers.get('Content-Length');
    if (declared !== null && !raw.headers.has('Transfer-Encoding')) {
      // Node's parser reads exactly the declared length, so the header can be trusted.
      if (Number(declared) > limit) throw tooLarge();
      return next();
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = raw.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      size += read.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(read.value);
    }
    const headers = new Headers(raw.headers);
    headers.delete('Transfer-Encoding');
    headers.set('Content-Length', String(size));
    c.req.raw = new Request(raw.url, {
      method: raw.method,
      headers,
      body: size > 0 ? Buffer.concat(chunks) : null,
      signal: raw.signal,
    });
    return next();
  };
}
