import { Hono, type Context } from 'hono';
import { channelEndpointFilter, readChannelEndpoint } from './channel-endpoints';
import type { SandboxContext } from './context';
import { badRequest, conflict, notFound } from './errors';
import { originOf, readForm } from './http';
import { classifyNumber } from './numbers';
import { CNAM_POLICY_SID } from './options';
import { trustHubPage } from './paging';
import { linkedEntities } from './rules';
import { trustProductAssignmentJson } from './serialize';
import {
  newSid,
  type ChannelEndpointAssignment,
  type PhoneNumber,
  type TrustProduct,
  type TwilioSandboxState,
} from './store';
import { trustProductOf } from './trust-products';

const KIND_REFUSALS = {
  'toll-free': 'Toll-free numbers cannot be assigned to CNAM Trust Products',
  canada: 'Canadian numbers cannot be assigned to CNAM Trust Products',
  other: 'Only US local long code numbers can be assigned to CNAM Trust Products',
} as const;

/** The eligibility rules of Twilio's CNAM guide for a number on a CNAM Trust Product; the errors for breaking them are undocumented. */
function assertCnamEligible(state: TwilioSandboxState, tp: TrustProduct, pn: PhoneNumber): void {
  const kind = classifyNumber(pn.phoneNumber);
  if (kind !== 'us-local') throw badRequest(`${KIND_REFUSALS[kind]}: ${pn.phoneNumber}`);
  const profiles = linkedEntities(state, tp.sid).profiles.map((p) => p.sid);
  if (profiles.length === 0)
    throw badRequest(`Assign a Business Profile to Trust Product ${tp.sid} before adding phone numbers`);
  const onProfile = [...state.customerProfileAssignments.values()].some(
    (a) => a.channelEndpointSid === pn.sid && profiles.includes(a.parentSid),
  );
  if (!onProfile)
    throw badRequest(
      `Phone number ${pn.sid} is not assigned to Business Profile ${profiles.join(', ')}; only its numbers are eligible`,
    );
  for (const a of state.trustProductAssignments.values()) {
    const other = state.trustProducts.get(a.parentSid);
    if (a.channelEndpointSid === pn.sid && other && other.sid !== tp.sid && other.policySid === CNAM_POLICY_SID) {
      throw badRequest(`Phone number ${pn.sid} is already assigned to CNAM Trust Product ${other.sid}`);
    }
  }
}

/** TrustProducts/{BU}/ChannelEndpointAssignments: the numbers that get the CNAM; changeable in any status. */
export function trustProductNumberRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  const origin = (c: Context) => originOf(c, opts.publicUrl);
  const json = (c: Context, a: ChannelEndpointAssignment) => trustProductAssignmentJson(origin(c), state.accountSid, a);
  const assignmentOf = (c: Context) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const a = state.trustProductAssignments.get(c.req.param('sid') ?? '');
    if (!a || a.parentSid !== tp.sid) throw notFound(c.req.path);
    return a;
  };

  app.post('/v1/TrustProducts/:tpSid/ChannelEndpointAssignments', async (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const pn = readChannelEndpoint(state, await readForm(c));
    for (const a of state.trustProductAssignments.values()) {
      if (a.parentSid === tp.sid && a.channelEndpointSid === pn.sid)
        throw conflict(`Phone number ${pn.sid} is already assigned to Trust Product ${tp.sid}`);
    }
    if (tp.policySid === CNAM_POLICY_SID) assertCnamEligible(state, tp, pn);
    const a = {
      sid: newSid('RA'),
      parentSid: tp.sid,
      channelEndpointType: 'phone-number',
      channelEndpointSid: pn.sid,
      dateCreated: opts.now(),
    };
    state.trustProductAssignments.set(a.sid, a);
    return c.json(json(c, a), 201);
  });

  app.get('/v1/TrustProducts/:tpSid/ChannelEndpointAssignments', (c) => {
    const tp = trustProductOf(state, c, c.req.param('tpSid'));
    const { filters, keep } = channelEndpointFilter(c);
    const items = [...state.trustProductAssignments.values()].filter((a) => a.parentSid === tp.sid && keep(a));
    return c.json(trustHubPage(c, origin(c), filters, items, (a) => json(c, a)));
  });

  app.get('/v1/TrustProducts/:tpSid/ChannelEndpointAssignments/:sid', (c) => c.json(json(c, assignmentOf(c))));

  app.delete('/v1/TrustProducts/:tpSid/ChannelEndpointAssignments/:sid', (c) => {
    state.trustProductAssignments.delete(assignmentOf(c).sid);
    return c.body(null, 204);
  });

  return app;
}
