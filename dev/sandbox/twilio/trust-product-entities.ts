import { Hono, type Context } from 'hono';
import type { SandboxContext } from './context';
import { badRequest, conflict, notFound } from './errors';
import { originOf, readForm, requireParam } from './http';
import { trustHubPage } from './paging';
import { entityAssignmentJson } from './serialize';
import { newSid, type EntityAssignment, type TrustProduct, type TwilioSandboxState } from './store';
import { trustProductOf } from './trust-products';

/** The `ObjectType` an assigned object answers to: `customer_profile` or the End User's type. */
export function objectTypeOf(state: TwilioSandboxState, objectSid: string): string | undefined {
  if (state.customerProfiles.has(objectSid)) return 'customer_profile';
  return state.endUsers.get(objectSid)?.type;
}

// Twilio does not say what may change after submit; the sandbox freezes the bundle's contents while Twilio reviews it or after approval.
function assertEditable(tp: TrustProduct): void {
  if (tp.status !== 'draft' && tp.status !== 'twilio-rejected') {
    throw badRequest(
      `EntityAssignments can only change while Trust Product ${tp.sid} is draft or twilio-rejected (current: ${tp.status})`,
    );
  }
}

/** TrustProducts/{BU}/EntityAssignments: attach the Business Profile and the cnam_information End User. */
export function entityAssignmentRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  const origin = (c: Context) => originOf(c, opts.publicUrl);
  const json = (c: Context, a: EntityAssignment) => entityAssignmentJson(origin(c), state.accountSid, a);
  const assignmentOf = (c: Context, tp: TrustProduct) => {
    const a = state.entityAssignments.get(c.req.param('sid') ?? '');
    if (!a || a.trustProductSid !== tp.sid) throw notFound(c.req.path);
    return a;
  };

  app.post('/v1/TrustProducts/:tpSid/EntityAssignments', async (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const objectSid = requireParam(await readForm(c), 'ObjectSid');
    if (!objectTypeOf(state, objectSid))
      throw badRequest(`ObjectSid ${objectSid} is not a Business Profile or End User on this account`);
    assertEditable(tp);
    for (const a of state.entityAssignments.values()) {
      if (a.trustProductSid === tp.sid && a.objectSid === objectSid)
        throw conflict(`${objectSid} is already assigned to Trust Product ${tp.sid}`);
    }
    const a: EntityAssignment = { sid: newSid('BV'), trustProductSid: tp.sid, objectSid, dateCreated: opts.now() };
    state.entityAssignments.set(a.sid, a);
    return c.json(json(c, a), 201);
  });

  app.get('/v1/TrustProducts/:tpSid/EntityAssignments', (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const type = c.req.query('ObjectType');
    const items = [...state.entityAssignments.values()].filter(
      (a) => a.trustProductSid === tp.sid && (!type || objectTypeOf(state, a.objectSid) === type),
    );
    return c.json(trustHubPage(c, origin(c), [['ObjectType', type]], items, (a) => json(c, a)));
  });

  app.get('/v1/TrustProducts/:tpSid/EntityAssignments/:sid', (c) =>
    c.json(json(c, assignmentOf(c, trustProductOf(state, c, c.req.param('tpSid'))))),
  );

  app.delete('/v1/TrustProducts/:tpSid/EntityAssignments/:sid', (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const a = assignmentOf(c, tp);
    assertEditable(tp);
    state.entityAssignments.delete(a.sid);
    return c.body(null, 204);
  });

  return app;
}
