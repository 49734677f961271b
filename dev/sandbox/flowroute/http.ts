import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

/** Flowroute replies with the JSON:API media type whatever the request sent. */
export const MEDIA_TYPE = 'application/vnd.api+json';

// The docs, the Node SDK and a tutorial typo between them use these three for JSON bodies.
const JSON_TYPES = new Set(['application/json', 'application/vnd.api+json', 'application/vnd+api.json']);
const FORM_TYPE = 'application/x-www-form-urlencoded';

/** A JSON:API document with Flowroute's content type. */
export function jsonApi(status: number, doc: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(doc), { status, headers: { 'Content-Type': MEDIA_TYPE, ...headers } });
}

/** Flowroute's error document; every error gets a fresh UUIDv4 id (UNDOCUMENTED 25). */
export function flowrouteError(
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): Response {
  return jsonApi(status, { errors: [{ id: randomUUID(), status, title, detail }] }, headers);
}

/** HTTP Basic with the access key as user and the secret key as password. */
export function basicAuth(credentials: () => { accessKey: string; secretKey: string }): MiddlewareHandler {
  return async (c, next) => {
    const { accessKey, secretKey } = credentials();
    const header = c.req.header('authorization') ?? '';
    const match = /^Basic\s+(.+)$/i.exec(header.trim());
    const decoded = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const ok = colon >= 0 && decoded.slice(0, colon) === accessKey && decoded.slice(colon + 1) === secretKey;
    if (!ok) return flowrouteError(401, 'Unauthorized', 'Authentication failed.');
    await next();
  };
}

export type BodyResult = { ok: true; body: unknown } | { ok: false; response: Response };

/**
 * Reads a create/update body in every shape clients send: JSON (three content types) or form-encoded `value=`.
 * A missing content type is sniffed, as curl's `-d` without `-H` sends form encoding.
 */
export async function readBody(c: Context): Promise<BodyResult> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = await c.req.text();
  const asForm = () => Object.fromEntries(new URLSearchParams(text));
  if (JSON_TYPES.has(type)) {
    const json = parseJson(text);
    if (json === undefined) return { ok: false, response: flowrouteError(400, 'Bad Request', 'Request body is not valid JSON.') };
    return { ok: true, body: json };
  }
  if (type === FORM_TYPE) return { ok: true, body: asForm() };
  if (type === '') return { ok: true, body: parseJson(text) ?? asForm() };
  return {
    ok: false,
    response: flowrouteError(415, 'Unsupported Media Type', `Content-Type ${type} is not supported; use ${MEDIA_TYPE}.`),
  };
}

/** The CNAM value from a flat `{"value"}` body or a JSON:API `{"data":{"attributes":{"value"}}}` body. */
export function cnamValueOf(body: unknown): unknown {
  if (!isObject(body)) return undefined;
  if ('value' in body) return body.value;
  const data = body.data;
  return isObject(data) && isObject(data.attributes) ? data.attributes.value : undefined;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
