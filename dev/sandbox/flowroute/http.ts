import type { Context } from 'hono';
import { MEDIA_TYPE } from './documents';
import { badRequest, FlowrouteHttpError } from './errors';

// The docs, the Node SDK and a tutorial typo between them use these three for JSON bodies.
const JSON_TYPES = new Set(['application/json', 'application/vnd.api+json', 'application/vnd+api.json']);
const FORM_TYPE = 'application/x-www-form-urlencoded';
const DEFAULT_LIMIT = 10;

/** The origin the client used, for `links`. */
export const originOf = (c: Context): string => new URL(c.req.url).origin;

/**
 * Reads a create/update body in every shape clients send: JSON (three content types) or form-encoded `value=`
 * (the Python SDK's). A missing content type is sniffed, as curl's `-d` without `-H` sends form encoding.
 */
export async function readBody(c: Context): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = await c.req.text();
  const asForm = () => Object.fromEntries(new URLSearchParams(text));
  if (JSON_TYPES.has(type)) {
    const json = parseJson(text);
    if (json === undefined) throw badRequest('Request body is not valid JSON.');
    return json;
  }
  if (type === FORM_TYPE) return asForm();
  if (type === '') return parseJson(text) ?? asForm();
  throw new FlowrouteHttpError(
    415,
    'Unsupported Media Type',
    `Content-Type ${type} is not supported; use ${MEDIA_TYPE}.`,
  );
}

/** The CNAM value from a flat `{"value"}` body or a JSON:API `{"data":{"attributes":{"value"}}}` body. */
export function cnamValueOf(body: unknown): unknown {
  if (!isObject(body)) return undefined;
  if ('value' in body) return body.value;
  const data = body.data;
  return isObject(data) && isObject(data.attributes) ? data.attributes.value : undefined;
}

/** `limit` (default 10, the Node SDK's, capped at `max` when given) and `offset`; 400 when malformed. */
export function readPage(url: URL, max?: number): { limit: number; offset: number } {
  const limitRaw = url.searchParams.get('limit');
  const offsetRaw = url.searchParams.get('offset');
  if (limitRaw !== null && !/^[1-9]\d*$/.test(limitRaw)) throw badRequest('limit must be a positive integer.');
  if (offsetRaw !== null && !/^\d+$/.test(offsetRaw)) throw badRequest('offset must be a non-negative integer.');
  const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
  return {
    limit: max === undefined ? limit : Math.min(limit, max),
    offset: offsetRaw === null ? 0 : Number(offsetRaw),
  };
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
