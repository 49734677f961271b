import type { Context, Hono } from 'hono';
import { checkFlowrouteFormat } from '../../../src/core/names';
import { cnamDetailDocument, cnamResource, numberDocument, numberResource, pageLinks, rfc1123 } from './documents';
import { cnamValueOf, flowrouteError, jsonApi, readBody } from './http';
import type { FlowrouteSandboxStore, SandboxCnam } from './store';

const DEFAULT_LIMIT = 10;
const NUMBERS_MAX_LIMIT = 200;
const INVALID_VALUE = 'Invalid CNAM value';

const origin = (c: Context) => new URL(c.req.url).origin;
const cnamNotFound = (detail = 'CNAM record not found.') => flowrouteError(404, 'Resource not found', detail);
const numberNotFound = (n: string) => flowrouteError(404, 'Resource not found', `Number ${n} was not found on your account.`);

/** Flowroute v2 CNAM and number routes, plural and singular relationship paths alike. */
export function registerFlowrouteRoutes(app: Hono, store: FlowrouteSandboxStore): void {
  app.post('/v2/cnams', async (c) => {
    const body = await readBody(c);
    if (!body.ok) return body.response;
    const value = checkValue(store, cnamValueOf(body.body));
    if (typeof value !== 'string') return value;
    return jsonApi(201, { data: cnamResource(origin(c), store.create(value)) });
  });

  app.get('/v2/cnams', (c) => {
    const url = new URL(c.req.url);
    const page = readPage(url);
    if (typeof page === 'string') return flowrouteError(400, 'Bad Request', page);
    const isApproved = url.searchParams.get('is_approved');
    if (isApproved !== null && !/^(true|false)$/i.test(isApproved)) {
      return flowrouteError(400, 'Bad Request', 'is_approved must be true or false.');
    }
    const needle = url.searchParams.get('value')?.toUpperCase();
    const matching = store
      .list()
      .filter((r) => isApproved === null || (r.status === 'approved') === (isApproved.toLowerCase() === 'true'))
      .filter((r) => !needle || r.value.toUpperCase().includes(needle));
    const data = matching.slice(page.offset, page.offset + page.limit).map((r) => cnamResource(origin(c), r));
    return jsonApi(200, { data, links: pageLinks(url, matching.length, page.limit, page.offset) });
  });

  app.get('/v2/cnams/:id', (c) => {
    const rec = store.get(c.req.param('id'));
    if (!rec) return cnamNotFound();
    return jsonApi(200, cnamDetailDocument(origin(c), rec, store.numbersUsing(rec.id)));
  });

  app.delete('/v2/cnams/:id', (c) => {
    const rec = store.get(c.req.param('id'));
    if (!rec) return cnamNotFound('CNAM record not found. Nothing to delete.');
    store.delete(rec.id);
    return c.body(null, 204);
  });

  app.patch('/v2/cnams/:id', async (c) => {
    const rec = store.get(c.req.param('id'));
    if (!rec) return cnamNotFound();
    if (rec.status !== 'pending') return flowrouteError(422, INVALID_VALUE, 'Only pending CNAM records can be updated.');
    const body = await readBody(c);
    if (!body.ok) return body.response;
    const value = checkValue(store, cnamValueOf(body.body), rec.id);
    if (typeof value !== 'string') return value;
    return jsonApi(200, { data: cnamResource(origin(c), store.update(rec, value)) });
  });

  const assign = (c: Context) => {
    const number = store.number(c.req.param('number') ?? '');
    if (!number) return numberNotFound(c.req.param('number') ?? '');
    const rec = store.get(c.req.param('id') ?? '');
    if (!rec) return cnamNotFound();
    if (rec.status !== 'approved') return flowrouteError(422, 'Invalid CNAM', 'CNAM record is not approved.');
    store.assign(number, rec.id);
    return jsonApi(202, { data: { attributes: { date_created: rfc1123(store.now()) }, id: rec.id, type: 'cnam' } });
  };
  // Unassigning a number with no preset still answers 202 (UNDOCUMENTED 17).
  const unassign = (c: Context) => {
    const number = store.number(c.req.param('number') ?? '');
    if (!number) return numberNotFound(c.req.param('number') ?? '');
    store.unassign(number);
    return jsonApi(202, { data: { attributes: { date_created: rfc1123(store.now()) }, id: null, type: 'cnam' } });
  };
  app.patch('/v2/numbers/:number/relationships/cnams/:id', assign);
  app.patch('/v2/numbers/:number/relationships/cnam/:id', assign);
  app.delete('/v2/numbers/:number/relationships/cnams', unassign);
  app.delete('/v2/numbers/:number/relationships/cnam', unassign);

  app.get('/v2/numbers/:number', (c) => {
    const number = store.number(c.req.param('number'));
    if (!number) return numberNotFound(c.req.param('number'));
    const cnam = number.cnamId === null ? undefined : store.get(number.cnamId);
    return jsonApi(200, numberDocument(origin(c), number, cnam));
  });

  app.get('/v2/numbers', (c) => {
    const url = new URL(c.req.url);
    const page = readPage(url, NUMBERS_MAX_LIMIT);
    if (typeof page === 'string') return flowrouteError(400, 'Bad Request', page);
    const q = (k: string) => url.searchParams.get(k) ?? '';
    const matching = store
      .allNumbers()
      .filter((n) => n.id.startsWith(q('starts_with')) && n.id.endsWith(q('ends_with')) && n.id.includes(q('contains')));
    const data = matching.slice(page.offset, page.offset + page.limit).map((n) => numberResource(origin(c), n));
    return jsonApi(200, { data, links: pageLinks(url, matching.length, page.limit, page.offset) });
  });

  const methodNotAllowed = () => flowrouteError(405, 'Method Not Allowed', 'The method is not allowed for this resource.');
  for (const path of [
    '/v2/cnams',
    '/v2/cnams/:id',
    '/v2/numbers',
    '/v2/numbers/:number',
    '/v2/numbers/:number/relationships/cnams',
    '/v2/numbers/:number/relationships/cnam',
    '/v2/numbers/:number/relationships/cnams/:id',
    '/v2/numbers/:number/relationships/cnam/:id',
  ]) {
    app.all(path, methodNotAllowed);
  }
}

/** Format rules at create, synchronously (UNDOCUMENTED 14), then duplicates (UNDOCUMENTED 15). */
function checkValue(store: FlowrouteSandboxStore, raw: unknown, exceptId?: SandboxCnam['id']): string | Response {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') {
    return flowrouteError(422, INVALID_VALUE, 'CNAM value must be a string.');
  }
  const check = checkFlowrouteFormat(typeof raw === 'string' ? raw : '');
  if (!check.ok) return flowrouteError(422, INVALID_VALUE, check.violations.map((v) => v.message).join('; '));
  const value = check.normalized.toUpperCase();
  if (store.findByValue(value, exceptId)) return flowrouteError(422, INVALID_VALUE, 'Duplicate CNAM entry found on your account.');
  return value;
}

/** `limit` (default 10, capped at `max` when given) and `offset`; a string is the 400 detail. */
function readPage(url: URL, max?: number): { limit: number; offset: number } | string {
  const limitRaw = url.searchParams.get('limit');
  const offsetRaw = url.searchParams.get('offset');
  if (limitRaw !== null && !/^[1-9]\d*$/.test(limitRaw)) return 'limit must be a positive integer.';
  if (offsetRaw !== null && !/^\d+$/.test(offsetRaw)) return 'offset must be a non-negative integer.';
  const limit = limitRaw === null ? DEFAULT_LIMIT : Number(limitRaw);
  return { limit: max === undefined ? limit : Math.min(limit, max), offset: offsetRaw === null ? 0 : Number(offsetRaw) };
}
