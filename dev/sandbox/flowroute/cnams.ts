import { Hono, type Context } from 'hono';
import type { SandboxContext } from './context';
import { cnamDetailDocument, cnamResource, jsonApi, pageLinks } from './documents';
import { badRequest, invalidValue, methodNotAllowed, resourceNotFound } from './errors';
import { cnamValueOf, originOf, readBody, readPage } from './http';
import { checkFormat } from './rules';
import {
  deleteRecord,
  findByValue,
  numbersUsing,
  recordOf,
  recordsInOrder,
  type FlowrouteSandboxState,
  type SandboxCnam,
} from './store';

/** The record named in the path, 404 otherwise. */
export function cnamOf(state: FlowrouteSandboxState, c: Context, detail = 'CNAM record not found.'): SandboxCnam {
  const rec = recordOf(state, c.req.param('id') ?? '');
  if (!rec) throw resourceNotFound(detail);
  return rec;
}

/**
 * The value to store: the storage rules are checked synchronously, then duplicates. Flowroute documents only the
 * duplicate 422; refusing a malformed value at once (rather than at review) is the sandbox's choice.
 */
function acceptedValue(state: FlowrouteSandboxState, raw: unknown, exceptId?: number): string {
  if (raw !== undefined && raw !== null && typeof raw !== 'string') throw invalidValue('CNAM value must be a string.');
  const check = checkFormat(typeof raw === 'string' ? raw : '');
  if (!check.ok) throw invalidValue(check.problems.join('; '));
  if (findByValue(state, check.value, exceptId)) throw invalidValue('Duplicate CNAM entry found on your account.');
  return check.value;
}

/** `/v2/cnams`: create, list, fetch, update while pending, delete. */
export function cnamRoutes({ state, review }: SandboxContext): Hono {
  const app = new Hono();

  app.post('/v2/cnams', async (c) => {
    const value = acceptedValue(state, cnamValueOf(await readBody(c)));
    return jsonApi(201, { data: cnamResource(originOf(c), review.submit(value)) });
  });

  app.get('/v2/cnams', (c) => {
    const url = new URL(c.req.url);
    const page = readPage(url);
    // Case-insensitive: the Python SDK sends `True`/`False`.
    const isApproved = url.searchParams.get('is_approved');
    if (isApproved !== null && !/^(true|false)$/i.test(isApproved))
      throw badRequest('is_approved must be true or false.');
    const needle = url.searchParams.get('value')?.toUpperCase();
    const matching = recordsInOrder(state)
      .filter((r) => isApproved === null || (r.status === 'approved') === (isApproved.toLowerCase() === 'true'))
      .filter((r) => !needle || r.value.toUpperCase().includes(needle));
    const data = matching.slice(page.offset, page.offset + page.limit).map((r) => cnamResource(originOf(c), r));
    return jsonApi(200, { data, links: pageLinks(url, matching.length, page.limit, page.offset) });
  });

  app.get('/v2/cnams/:id', (c) => {
    const rec = cnamOf(state, c);
    return jsonApi(200, cnamDetailDocument(originOf(c), rec, numbersUsing(state, rec.id)));
  });

  app.delete('/v2/cnams/:id', (c) => {
    deleteRecord(state, cnamOf(state, c, 'CNAM record not found. Nothing to delete.').id);
    return c.body(null, 204);
  });

  app.patch('/v2/cnams/:id', async (c) => {
    const rec = cnamOf(state, c);
    if (rec.status !== 'pending') throw invalidValue('Only pending CNAM records can be updated.');
    const value = acceptedValue(state, cnamValueOf(await readBody(c)), rec.id);
    return jsonApi(200, { data: cnamResource(originOf(c), review.resubmit(rec, value)) });
  });

  for (const path of ['/v2/cnams', '/v2/cnams/:id']) {
    app.all(path, () => {
      throw methodNotAllowed();
    });
  }
  return app;
}
