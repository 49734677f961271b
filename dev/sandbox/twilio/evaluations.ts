import { Hono, type Context } from 'hono';
import type { SandboxContext } from './context';
import { badRequest, notFound } from './errors';
import { originOf, readForm, requireParam } from './http';
import { trustHubPage } from './paging';
import { evaluateCnam } from './rules';
import { evaluationJson } from './serialize';
import { newSid, type Evaluation } from './store';
import { trustProductOf } from './trust-products';

/** TrustProducts/{BU}/Evaluations: the optional pre-check; each one is stored with its reasons. */
export function evaluationRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  const origin = (c: Context) => originOf(c, opts.publicUrl);
  const json = (c: Context, e: Evaluation) => evaluationJson(origin(c), state.accountSid, e);

  app.post('/v1/TrustProducts/:tpSid/Evaluations', async (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const policySid = requireParam(await readForm(c), 'PolicySid');
    if (policySid !== tp.policySid)
      throw badRequest(`PolicySid ${policySid} does not match Trust Product ${tp.sid} (policy ${tp.policySid})`);
    const { status, results } = evaluateCnam(state, tp);
    const e: Evaluation = {
      sid: newSid('EL'),
      trustProductSid: tp.sid,
      policySid,
      status,
      results,
      dateCreated: opts.now(),
    };
    state.evaluations.set(e.sid, e);
    return c.json(json(c, e), 201);
  });

  app.get('/v1/TrustProducts/:tpSid/Evaluations', (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const items = [...state.evaluations.values()].filter((e) => e.trustProductSid === tp.sid);
    return c.json(trustHubPage(c, origin(c), [], items, (e) => json(c, e)));
  });

  app.get('/v1/TrustProducts/:tpSid/Evaluations/:sid', (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const e = state.evaluations.get(c.req.param('sid'));
    if (!e || e.trustProductSid !== tp.sid) throw notFound(c.req.path);
    return c.json(json(c, e));
  });

  return app;
}
