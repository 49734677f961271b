import { Hono, type Context } from 'hono';
import { cnamOf } from './cnams';
import type { SandboxContext } from './context';
import { jsonApi, numberDocument, numberResource, pageLinks, rfc1123 } from './documents';
import { FlowrouteHttpError, methodNotAllowed, resourceNotFound } from './errors';
import { originOf, readPage } from './http';
import { assign, numbersInOrder, recordOf, unassign, type FlowrouteSandboxState, type SandboxNumber } from './store';

const NUMBERS_MAX_LIMIT = 200;

/** The account's number named in the path, 404 otherwise. */
function numberOf(state: FlowrouteSandboxState, c: Context): SandboxNumber {
  const id = c.req.param('number') ?? '';
  const number = state.numbers.get(id);
  if (!number) throw resourceNotFound(`Number ${id} was not found on your account.`);
  return number;
}

/**
 * `/v2/numbers` and the CNAM relationship of a number. The reference and the Node SDK use the plural
 * `relationships/cnams`, the tutorial and the other SDKs the singular: both are served.
 */
export function numberRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();

  const assignCnam = (c: Context) => {
    const number = numberOf(state, c);
    const rec = cnamOf(state, c);
    // The API, unlike Flowroute's portal, refuses a record that is not approved yet.
    if (rec.status !== 'approved') throw new FlowrouteHttpError(422, 'Invalid CNAM', 'CNAM record is not approved.');
    const now = opts.now();
    assign(number, rec.id, now);
    return jsonApi(202, { data: { attributes: { date_created: rfc1123(now) }, id: rec.id, type: 'cnam' } });
  };
  // Unassigning a number with no preset still answers 202, so a retried unassign succeeds.
  const unassignCnam = (c: Context) => {
    unassign(numberOf(state, c));
    return jsonApi(202, { data: { attributes: { date_created: rfc1123(opts.now()) }, id: null, type: 'cnam' } });
  };
  for (const rel of ['cnams', 'cnam']) {
    app.patch(`/v2/numbers/:number/relationships/${rel}/:id`, assignCnam);
    app.delete(`/v2/numbers/:number/relationships/${rel}`, unassignCnam);
  }

  app.get('/v2/numbers/:number', (c) => {
    const number = numberOf(state, c);
    const cnam = number.cnamId === null ? undefined : recordOf(state, number.cnamId);
    return jsonApi(200, numberDocument(originOf(c), number, cnam));
  });

  app.get('/v2/numbers', (c) => {
    const url = new URL(c.req.url);
    const page = readPage(url, NUMBERS_MAX_LIMIT);
    const q = (k: string) => url.searchParams.get(k) ?? '';
    const matching = numbersInOrder(state).filter(
      (n) => n.id.startsWith(q('starts_with')) && n.id.endsWith(q('ends_with')) && n.id.includes(q('contains')),
    );
    const data = matching.slice(page.offset, page.offset + page.limit).map((n) => numberResource(originOf(c), n));
    return jsonApi(200, { data, links: pageLinks(url, matching.length, page.limit, page.offset) });
  });

  for (const path of [
    '/v2/numbers',
    '/v2/numbers/:number',
    '/v2/numbers/:number/relationships/cnams',
    '/v2/numbers/:number/relationships/cnam',
    '/v2/numbers/:number/relationships/cnams/:id',
    '/v2/numbers/:number/relationships/cnam/:id',
  ]) {
    app.all(path, () => {
      throw methodNotAllowed();
    });
  }
  return app;
}
