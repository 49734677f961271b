/**
 * The remote codec for the Temporal Web UI and CLI (`--codec-endpoint`): POST …/encode and …/decode take
 * and return `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }` (Payloads in proto JSON).
 * The browser calls it from the UI's origin, so CORS answers for the allowed origins only.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import type { Logger } from 'pino';
import { z } from 'zod';
import { serveFetch } from '../http/serve';
import { PayloadDecryptionError } from './codec';

/** A history page decodes one event's payloads per call: far below this. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const payloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).nullish(), data: base64.nullish() }).loose()),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

const fromJson = ({ metadata, data }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(data ?? '', 'base64'),
});

const toJson = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(data ?? []).toString('base64'),
});

class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 413 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Origins whose pages may call it (the Web UI's); others get no CORS headers. */
  corsOrigins: string[];
  /** When set, every encode/decode needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  logger?: Logger;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** Reads the body up to `MAX_BODY_BYTES`, whether it declares a length or is chunked. */
async function readJson(c: Context): Promise<unknown> {
  const body = c.req.raw.body;
  if (!body) throw new HttpError(400, 'invalid-request', 'A JSON body { payloads: [...] } is required');
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new HttpError(413, 'payload-too-large', `Bodies are limited to ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(read.value);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid-request', 'The body is not JSON');
  }
}

/** The codec server's routes; tests call `app.request` without a socket. */
export function createCodecServerApp(options: CodecServerOptions): Hono {
  const { codec, corsOrigins, token, logger } = options;
  const expected = token === undefined ? undefined : digest(token);
  const app = new Hono();
  app.use(
    cors({
      origin: (origin) => (corsOrigins.includes(origin) ? origin : null),
      allowMethods: ['POST', 'OPTIONS'],
      // What the Web UI sends: its namespace, and a bearer token when it passes one.
      allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization'],
      credentials: true,
      maxAge: 600,
    }),
  );
  app.use(async (c, next) => {
    if (expected === undefined) return next();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('Authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="cnam-codec"');
      throw new HttpError(401, 'unauthorized', 'Authorization: Bearer <CNAM_CODEC_SERVER_TOKEN> is required');
    }
    return next();
  });
  // The protocol looks only at the last path segment, so the server can sit under any prefix.
  app.post('*', async (c) => {
    const operation = c.req.path.split('/').pop();
    if (operation !== 'encode' && operation !== 'decode')
      throw new HttpError(404, 'not-found', 'POST …/encode or …/decode');
    const parsed = payloadsBody.safeParse(await readJson(c));
    if (!parsed.success) {
      const where = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      throw new HttpError(400, 'invalid-request', `Expected { payloads: [{ metadata, data }] } (${where})`);
    }
    const payloads = parsed.data.payloads.map(fromJson);
    const out = operation === 'encode' ? await codec.encode(payloads) : await codec.decode(payloads);
    return c.json({ payloads: out.map(toJson) });
  });
  app.notFound(() => {
    throw new HttpError(404, 'not-found', 'POST …/encode or …/decode');
  });
  app.onError((err, c) => {
    if (err instanceof PayloadDecryptionError) {
      logger?.warn({ path: c.req.path, namespace: c.req.header('X-Namespace') }, err.message);
      return c.json({ error: 'cannot-decrypt', message: err.message }, 422);
    }
    if (err instanceof HttpError) return c.json({ error: err.code, message: err.message }, err.status);
    logger?.error({ err, path: c.req.path }, 'codec server error');
    return c.json({ error: 'internal', message: 'Internal error' }, 500);
  });
  return app;
}

export interface RunningCodecServer {
  url: string;
  close(): Promise<void>;
}

/** Listens on `host:port` (0 = any free port) and resolves once it does. */
export async function startCodecServer(
  options: CodecServerOptions & { port: number; host: string },
): Promise<RunningCodecServer> {
  const { port, host, ...appOptions } = options;
  const app = createCodecServerApp(appOptions);
  return serveFetch(app.fetch, host, port);
}
