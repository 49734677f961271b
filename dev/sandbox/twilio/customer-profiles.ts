import { Hono, type Context } from 'hono';
import { channelEndpointFilter, readChannelEndpoint } from './channel-endpoints';
import type { SandboxContext } from './context';
import { badRequest, conflict, notFound } from './errors';
import { originOf, readForm } from './http';
import { trustHubPage } from './paging';
import { customerProfileAssignmentJson, customerProfileJson } from './serialize';
import { newSid, type CustomerProfile } from './store';

/** Business Profiles (configured at start, read-only) and the numbers assigned to them. */
export function customerProfileRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  const origin = (c: Context) => originOf(c, opts.publicUrl);
  const profileOf = (c: Context, sid: string): CustomerProfile => {
    const cp = state.customerProfiles.get(sid);
    if (!cp) throw notFound(c.req.path);
    return cp;
  };

  app.get('/v1/CustomerProfiles', (c) => {
    const [status, name, policy] = [c.req.query('Status'), c.req.query('FriendlyName'), c.req.query('PolicySid')];
    const items = [...state.customerProfiles.values()].filter(
      (cp) =>
        (!status || cp.status === status) &&
        (!name || cp.friendlyName === name) &&
        (!policy || cp.policySid === policy),
    );
    const filters: [string, string | undefined][] = [
      ['Status', status],
      ['FriendlyName', name],
      ['PolicySid', policy],
    ];
    return c.json(
      trustHubPage(c, origin(c), filters, items, (cp) => customerProfileJson(origin(c), state.accountSid, cp)),
    );
  });

  app.get('/v1/CustomerProfiles/:sid', (c) =>
    c.json(customerProfileJson(origin(c), state.accountSid, profileOf(c, c.req.param('sid')))),
  );

  app.post('/v1/CustomerProfiles/:cpSid/ChannelEndpointAssignments', async (c) => {
    const cp = profileOf(c, c.req.param('cpSid'));
    const pn = readChannelEndpoint(state, await readForm(c));
    for (const a of state.customerProfileAssignments.values()) {
      if (a.channelEndpointSid !== pn.sid) continue;
      if (a.parentSid === cp.sid)
        throw conflict(`Phone number ${pn.sid} is already assigned to Business Profile ${cp.sid}`);
      throw badRequest(`Phone number ${pn.sid} is already assigned to another Business Profile (${a.parentSid})`);
    }
    const sid = newSid('RA');
    const a = {
      sid,
      parentSid: cp.sid,
      channelEndpointType: 'phone-number',
      channelEndpointSid: pn.sid,
      dateCreated: opts.now(),
    };
    state.customerProfileAssignments.set(sid, a);
    return c.json(customerProfileAssignmentJson(origin(c), state.accountSid, a), 201);
  });

  app.get('/v1/CustomerProfiles/:cpSid/ChannelEndpointAssignments', (c) => {
    const cp = profileOf(c, c.req.param('cpSid'));
    const { filters, keep } = channelEndpointFilter(c);
    const items = [...state.customerProfileAssignments.values()].filter((a) => a.parentSid === cp.sid && keep(a));
    return c.json(
      trustHubPage(c, origin(c), filters, items, (a) => customerProfileAssignmentJson(origin(c), state.accountSid, a)),
    );
  });

  const assignmentOf = (c: Context) => {
    const cp = profileOf(c, c.req.param('cpSid') ?? '');
    const a = state.customerProfileAssignments.get(c.req.param('sid') ?? '');
    if (!a || a.parentSid !== cp.sid) throw notFound(c.req.path);
    return a;
  };

  app.get('/v1/CustomerProfiles/:cpSid/ChannelEndpointAssignments/:sid', (c) =>
    c.json(customerProfileAssignmentJson(origin(c), state.accountSid, assignmentOf(c))),
  );

  app.delete('/v1/CustomerProfiles/:cpSid/ChannelEndpointAssignments/:sid', (c) => {
    state.customerProfileAssignments.delete(assignmentOf(c).sid);
    return c.body(null, 204);
  });

  return app;
}
