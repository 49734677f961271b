import { Hono, type Context } from 'hono';
import type { ActiveFault } from '../shared/faults';
import type { RateLimit, ResolvedRateLimit } from '../shared/rate-limit';
import type { CallbackSettings } from './callback-shapes';
import { badRequest } from './errors';
import { originOf } from './http';
import type { LookupNumberInput, LookupNumberSettings } from './lookup-settings';
import type { ResolvedOptions, TrustHubStatus } from './options';
import * as json from './serialize';
import type { CallbackRecord, SandboxFault, TwilioSandboxState } from './store';

/** The in-process controls; the admin routes are a thin HTTP face over them. */
export interface TwilioSandboxControls {
  /** Decides a submitted Trust Product now: twilio-approved. */
  approve(trustProductSid: string): void;
  /** Decides a submitted Trust Product now: twilio-rejected with `errors: [{code}]` (default 11009). */
  reject(trustProductSid: string, code?: number): void;
  /** Arms a fault for matching API requests (see SandboxFault); throws 400 / 20001 when it is malformed. */
  injectFault(fault: SandboxFault): ActiveFault<SandboxFault>;
  /** Armed faults with how often each matched and fired; spent one-shot faults are gone. */
  faults(): ActiveFault<SandboxFault>[];
  clearFaults(): void;
  /** The request-rate limit in force; null when there is none. */
  rateLimit(): ResolvedRateLimit | null;
  /** Puts a limit in force with a full bucket (null lifts it); throws 400 / 20001 when it is malformed. */
  setRateLimit(limit: RateLimit | null): ResolvedRateLimit | null;
  /**
   * Back to the configured numbers, profiles and rate limit; clears faults, callbacks, counters, timers and Lookup's
   * overrides and dip counts.
   */
  reset(): void;
  /** The status callbacks sent so far. */
  callbacks(): CallbackRecord[];
  /** Resolves once every callback sent so far has been answered or has failed. */
  callbacksSettled(): Promise<void>;
  /** The callback body shape and repeats in force. */
  callbackSettings(): CallbackSettings;
  /** Changes them for callbacks sent from now on (reset() restores the configured ones). */
  configureCallbacks(changes: Partial<CallbackSettings>): CallbackSettings;
  /** All resources in their API shapes, for `GET /__sandbox/state`. */
  snapshot(origin: string): ReturnType<typeof snapshotState>;
  /**
   * Puts a Trust Product in a status at once, as if changed on Twilio's side (no review; callbacks as usual);
   * `validUntil` (ISO-8601) sets `valid_until`, null clears it, undefined leaves it. Throws 400 / 404.
   */
  setTrustProductStatus(trustProductSid: string, status: TrustHubStatus, validUntil?: string | null): void;
  /** Whether the number takes `VoiceCallerIdLookup=true` (false: 400 / 21409); 404 for one not on the account. */
  configureNumber(
    e164: string,
    settings: { voiceCallerIdLookupSupported: boolean },
  ): { phoneNumber: string; sid: string; voiceCallerIdLookupSupported: boolean };
  /** Releases a number: gone from IncomingPhoneNumbers and from every Trust Product and Business Profile assignment. */
  releaseNumber(e164: string): void;
  /** Lookup caller_name dips answered and the per-number overrides, keyed by E.164. */
  lookup(): { dips: Record<string, number>; numbers: Record<string, LookupNumberSettings> };
  /** Merges `input` into the number's Lookup override and answers the result; throws 400 / 20001 on bad input. */
  setLookupNumber(e164: string, input: LookupNumberInput): LookupNumberSettings;
  /** Drops the number's Lookup override: it answers from the network again. */
  clearLookupNumber(e164: string): void;
}

/** Every resource in its API JSON shape, plus pending faults and sent callbacks. */
export function snapshotState(state: TwilioSandboxState, origin: string) {
  const ac = state.accountSid;
  const all = <T, R>(m: Map<string, T>, f: (origin: string, ac: string, v: T) => R) =>
    [...m.values()].map((v) => f(origin, ac, v));
  return {
    account_sid: ac,
    customer_profiles: all(state.customerProfiles, json.customerProfileJson),
    customer_profile_channel_endpoint_assignments: all(
      state.customerProfileAssignments,
      json.customerProfileAssignmentJson,
    ),
    trust_products: all(state.trustProducts, json.trustProductJson),
    trust_product_entity_assignments: all(state.entityAssignments, json.entityAssignmentJson),
    trust_product_channel_endpoint_assignments: all(state.trustProductAssignments, json.trustProductAssignmentJson),
    trust_product_evaluations: all(state.evaluations, json.evaluationJson),
    end_users: all(state.endUsers, json.endUserJson),
    incoming_phone_numbers: [...state.phoneNumbers.values()].map((pn) => json.phoneNumberJson(ac, pn)),
    faults: state.faults,
    callbacks: state.callbacks,
    request_counts: state.requestCounts,
    write_counts: state.writeCounts,
    http429: state.http429,
  };
}

/** The JSON object body of an admin request (empty means `{}`); 400 / 20001 for anything else. */
export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through to the 400
  }
  throw badRequest('Expected a JSON object body');
}

/** Any JSON value (a limit may be `null`); undefined when the body is empty or not JSON, for the check to refuse. */
async function anyJson(c: Context): Promise<unknown> {
  try {
    return JSON.parse(await c.req.text()) as unknown;
  } catch {
    return undefined;
  }
}

/** `/__sandbox/*`, unauthenticated, for the CLI and tests. */
export function adminRoutes(state: TwilioSandboxState, opts: ResolvedOptions, controls: TwilioSandboxControls): Hono {
  const app = new Hono();
  const tpJson = (c: Context, sid: string) => {
    const tp = state.trustProducts.get(sid);
    return tp ? json.trustProductJson(originOf(c, opts.publicUrl), state.accountSid, tp) : null;
  };

  app.get('/__sandbox/state', (c) => c.json(controls.snapshot(originOf(c, opts.publicUrl))));
  app.get('/__sandbox/callbacks', (c) => c.json({ callbacks: controls.callbacks() }));
  app.get('/__sandbox/callback-settings', (c) => c.json(controls.callbackSettings()));
  app.put('/__sandbox/callback-settings', async (c) => c.json(controls.configureCallbacks(await jsonBody(c))));

  app.post('/__sandbox/trust-products/:sid/approve', (c) => {
    controls.approve(c.req.param('sid'));
    return c.json(tpJson(c, c.req.param('sid')));
  });

  app.post('/__sandbox/trust-products/:sid/reject', async (c) => {
    const { code } = await jsonBody(c);
    if (code !== undefined && !Number.isInteger(code)) throw badRequest('code must be an integer');
    controls.reject(c.req.param('sid'), code as number | undefined);
    return c.json(tpJson(c, c.req.param('sid')));
  });

  app.post('/__sandbox/faults', async (c) => {
    const fault = controls.injectFault((await jsonBody(c)) as SandboxFault);
    return c.json({ fault, faults: controls.faults() }, 201);
  });

  app.get('/__sandbox/faults', (c) => c.json({ faults: controls.faults() }));

  app.delete('/__sandbox/faults', (c) => {
    controls.clearFaults();
    return c.body(null, 204);
  });

  // The body is the limit itself, or null to lift it; both routes answer the limit in force.
  app.get('/__sandbox/rate-limit', (c) => c.json(controls.rateLimit()));
  app.put('/__sandbox/rate-limit', async (c) => c.json(controls.setRateLimit((await anyJson(c)) as RateLimit | null)));

  app.post('/__sandbox/reset', (c) => {
    controls.reset();
    return c.body(null, 204);
  });

  return app;
}
