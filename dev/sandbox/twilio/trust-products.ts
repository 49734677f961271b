import { Hono, type Context } from 'hono';
import type { SandboxContext } from './context';
import { badRequest, notFound } from './errors';
import { optionalParam, originOf, parseUrlParam, readForm, requireParam } from './http';
import { trustHubPage } from './paging';
import { trustProductJson } from './serialize';
import { newSid, type TrustProduct, type TwilioSandboxState } from './store';

const POLICY_SID = /^RN[0-9a-fA-F]{32}$/;

/** Looks up the Trust Product named in the path (`:tpSid` or `:sid`), 404 otherwise. */
export function trustProductOf(state: TwilioSandboxState, c: Context, sid: string | undefined): TrustProduct {
  const tp = state.trustProducts.get(sid ?? '');
  if (!tp) throw notFound(c.req.path);
  return tp;
}

/** CNAM Trust Products: create, list, fetch, update (submit), delete. */
export function trustProductRoutes({ state, opts, review }: SandboxContext): Hono {
  const app = new Hono();
  const origin = (c: Context) => originOf(c, opts.publicUrl);
  const json = (c: Context, tp: TrustProduct) => trustProductJson(origin(c), state.accountSid, tp);

  app.post('/v1/TrustProducts', async (c) => {
    const form = await readForm(c);
    const friendlyName = requireParam(form, 'FriendlyName');
    const email = requireParam(form, 'Email');
    const policySid = requireParam(form, 'PolicySid');
    if (!POLICY_SID.test(policySid)) throw badRequest(`Invalid PolicySid ${policySid}`);
    const callback = optionalParam(form, 'StatusCallback');
    const t = opts.now();
    const tp: TrustProduct = {
      sid: newSid('BU'),
      friendlyName,
      email,
      policySid,
      statusCallback: callback ? parseUrlParam('StatusCallback', callback) : null,
      status: 'draft',
      errors: null,
      failureReason: null,
      dateCreated: t,
      dateUpdated: t,
      submittedAt: null,
      inReviewAt: null,
      approvedAt: null,
      validUntil: null,
    };
    state.trustProducts.set(tp.sid, tp);
    return c.json(json(c, tp), 201);
  });

  app.get('/v1/TrustProducts', (c) => {
    const [status, name, policy] = [c.req.query('Status'), c.req.query('FriendlyName'), c.req.query('PolicySid')];
    const items = [...state.trustProducts.values()].filter(
      (tp) =>
        (!status || tp.status === status) &&
        (!name || tp.friendlyName === name) &&
        (!policy || tp.policySid === policy),
    );
    const filters: [string, string | undefined][] = [
      ['Status', status],
      ['FriendlyName', name],
      ['PolicySid', policy],
    ];
    return c.json(trustHubPage(c, origin(c), filters, items, (tp) => json(c, tp)));
  });

  app.get('/v1/TrustProducts/:sid', (c) => c.json(json(c, trustProductOf(state, c, c.req.param('sid')))));

  app.post('/v1/TrustProducts/:sid', async (c) => {
    const tp = trustProductOf(state, c, c.req.param('sid'));
    const form = await readForm(c);
    const status = optionalParam(form, 'Status');
    // Undocumented, so the sandbox's choice: the client may only submit, and only from draft or after a rejection.
    if (status !== undefined && (status !== 'pending-review' || !['draft', 'twilio-rejected'].includes(tp.status))) {
      throw badRequest(
        `Invalid Status ${status}: only pending-review may be set, from draft or twilio-rejected (current: ${tp.status})`,
      );
    }
    const name = optionalParam(form, 'FriendlyName');
    const email = optionalParam(form, 'Email');
    const rawCallback = optionalParam(form, 'StatusCallback');
    const callback = rawCallback ? parseUrlParam('StatusCallback', rawCallback) : rawCallback;
    if (name !== undefined && name.trim() !== '') tp.friendlyName = name;
    if (email !== undefined && email.trim() !== '') tp.email = email;
    if (callback !== undefined) tp.statusCallback = callback === '' ? null : callback;
    tp.dateUpdated = opts.now();
    if (status !== undefined) review.submit(tp);
    return c.json(json(c, tp));
  });

  app.delete('/v1/TrustProducts/:sid', (c) => {
    const tp = trustProductOf(state, c, c.req.param('sid'));
    // Undocumented, so the sandbox's choice: a submitted product cannot be withdrawn while Twilio reviews
    // it (drafts, decided products and rejected ones may go), as with the frozen EntityAssignments.
    if (tp.status === 'pending-review' || tp.status === 'in-review') {
      throw badRequest(
        `Trust Product ${tp.sid} is under review (${tp.status}) and cannot be deleted until Twilio decides`,
      );
    }
    review.forget(tp.sid);
    state.trustProducts.delete(tp.sid);
    for (const m of [state.entityAssignments, state.evaluations] as Map<string, { trustProductSid: string }>[]) {
      for (const [k, v] of m) if (v.trustProductSid === tp.sid) m.delete(k);
    }
    for (const [k, v] of state.trustProductAssignments)
      if (v.parentSid === tp.sid) state.trustProductAssignments.delete(k);
    return c.body(null, 204);
  });

  return app;
}
