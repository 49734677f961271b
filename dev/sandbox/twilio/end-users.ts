import { Hono, type Context } from 'hono';
import type { SandboxContext } from './context';
import { badRequest, notFound } from './errors';
import { optionalParam, originOf, readForm, requireParam } from './http';
import { trustHubPage } from './paging';
import { endUserJson } from './serialize';
import { newSid, type EndUser } from './store';

/** `Attributes` is a JSON string in the form body (the SDK stringifies objects); it must hold an object. */
function parseAttributes(raw: string | undefined): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(raw);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the 400
  }
  throw badRequest('Invalid Attributes: must be a JSON object');
}

/** EndUsers: the cnam_information holder of `cnam_display_name` (stored exactly as sent: Twilio does not say it normalises it). */
export function endUserRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  const origin = (c: Context) => originOf(c, opts.publicUrl);
  const json = (c: Context, eu: EndUser) => endUserJson(origin(c), state.accountSid, eu);
  const endUserOf = (c: Context) => {
    const eu = state.endUsers.get(c.req.param('sid') ?? '');
    if (!eu) throw notFound(c.req.path);
    return eu;
  };

  app.post('/v1/EndUsers', async (c) => {
    const form = await readForm(c);
    const friendlyName = requireParam(form, 'FriendlyName');
    const type = requireParam(form, 'Type');
    const t = opts.now();
    const eu: EndUser = {
      sid: newSid('IT'),
      friendlyName,
      type,
      attributes: parseAttributes(optionalParam(form, 'Attributes')) ?? {},
      dateCreated: t,
      dateUpdated: t,
    };
    state.endUsers.set(eu.sid, eu);
    return c.json(json(c, eu), 201);
  });

  app.get('/v1/EndUsers', (c) =>
    c.json(trustHubPage(c, origin(c), [], [...state.endUsers.values()], (eu) => json(c, eu))),
  );

  app.get('/v1/EndUsers/:sid', (c) => c.json(json(c, endUserOf(c))));

  // Undocumented, so the sandbox's choice: attribute edits are always accepted and do not re-open a review.
  app.post('/v1/EndUsers/:sid', async (c) => {
    const eu = endUserOf(c);
    const form = await readForm(c);
    const name = optionalParam(form, 'FriendlyName');
    const attributes = parseAttributes(optionalParam(form, 'Attributes'));
    if (name !== undefined && name.trim() !== '') eu.friendlyName = name;
    if (attributes !== undefined) eu.attributes = attributes;
    eu.dateUpdated = opts.now();
    return c.json(json(c, eu));
  });

  // Undocumented, so the sandbox's choice: refuse while a non-draft Trust Product holds it; in draft, drop the assignment too.
  app.delete('/v1/EndUsers/:sid', (c) => {
    const eu = endUserOf(c);
    const holders = [...state.entityAssignments.values()].filter((a) => a.objectSid === eu.sid);
    const busy = holders.find((a) => state.trustProducts.get(a.trustProductSid)?.status !== 'draft');
    if (busy)
      throw badRequest(`End User ${eu.sid} is assigned to Trust Product ${busy.trustProductSid}, which is not draft`);
    for (const a of holders) state.entityAssignments.delete(a.sid);
    state.endUsers.delete(eu.sid);
    return c.body(null, 204);
  });

  return app;
}
