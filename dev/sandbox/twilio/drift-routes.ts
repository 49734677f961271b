import { Hono } from 'hono';
import { jsonBody, type TwilioSandboxControls } from './admin';
import { originOf } from './http';
import type { LookupNumberInput } from './lookup-settings';
import type { ResolvedOptions, TrustHubStatus } from './options';
import { trustProductJson } from './serialize';
import type { TwilioSandboxState } from './store';

/**
 * `/__sandbox/*` routes for drift (what someone changes in Twilio's console) and for Lookup's answers; thin over the
 * controls, whose Twilio errors the central handler renders.
 */
export function driftAdminRoutes(
  state: TwilioSandboxState,
  opts: ResolvedOptions,
  controls: TwilioSandboxControls,
): Hono {
  const app = new Hono();

  app.post('/__sandbox/trust-products/:sid/status', async (c) => {
    const sid = c.req.param('sid');
    const { status, validUntil } = await jsonBody(c);
    controls.setTrustProductStatus(sid, status as TrustHubStatus, validUntil as string | null | undefined);
    const tp = state.trustProducts.get(sid);
    return c.json(tp ? trustProductJson(originOf(c, opts.publicUrl), state.accountSid, tp) : null);
  });

  app.put('/__sandbox/numbers/:e164', async (c) => {
    const { voiceCallerIdLookupSupported } = await jsonBody(c);
    return c.json(
      controls.configureNumber(c.req.param('e164'), {
        voiceCallerIdLookupSupported: voiceCallerIdLookupSupported as boolean,
      }),
    );
  });

  app.delete('/__sandbox/numbers/:e164', (c) => {
    controls.releaseNumber(c.req.param('e164'));
    return c.body(null, 204);
  });

  app.get('/__sandbox/lookup', (c) => c.json(controls.lookup()));

  app.put('/__sandbox/lookup/numbers/:e164', async (c) =>
    c.json(controls.setLookupNumber(c.req.param('e164'), (await jsonBody(c)) as LookupNumberInput)),
  );

  app.delete('/__sandbox/lookup/numbers/:e164', (c) => {
    controls.clearLookupNumber(c.req.param('e164'));
    return c.body(null, 204);
  });

  return app;
}
