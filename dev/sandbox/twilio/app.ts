import { Hono, type MiddlewareHandler } from 'hono';
import { countRequests, countStatus, countWrites, tally } from '../shared/counters';
import { FaultTable } from '../shared/faults';
import { checkRateLimit, RateLimiter } from '../shared/rate-limit';
import { adminRoutes, snapshotState, type TwilioSandboxControls } from './admin';
import { twilioAuth } from './auth';
import { createCallbackSender } from './callbacks';
import type { SandboxContext } from './context';
import { customerProfileRoutes } from './customer-profiles';
import { driftControls } from './drift';
import { driftAdminRoutes } from './drift-routes';
import { endUserRoutes } from './end-users';
import { badRequest, handleError, notFound } from './errors';
import { evaluationRoutes } from './evaluations';
import { twilioFaults, validateFault } from './faults';
import { lookupRoutes } from './lookups';
import { resolveOptions, type ResolvedOptions, type TwilioSandboxOptions } from './options';
import { phoneNumberRoutes } from './phone-numbers';
import { twilioRateLimit } from './rate-limit';
import { createReviewEngine } from './review';
import { createState, seedState, type TwilioSandboxState } from './store';
import { entityAssignmentRoutes } from './trust-product-entities';
import { trustProductNumberRoutes } from './trust-product-numbers';
import { trustProductRoutes } from './trust-products';

/** An in-process Twilio sandbox: the Hono app plus its controls. */
export interface TwilioSandboxApp extends TwilioSandboxControls {
  app: Hono;
  /** The live state (mutate at your own risk; `reset()` keeps the same object). */
  state: TwilioSandboxState;
  accountSid: string;
  authToken: string;
  /** The first configured twilio-approved Business Profile (else the first profile, else ''). */
  defaultBusinessProfileSid: string;
  /** Stops the review timers and ends pending fault delays; the app keeps answering requests. */
  close(): void;
}

function exchangeRecorder(onExchange: NonNullable<ResolvedOptions['onExchange']>): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const text = await c.res.clone().text();
    let body: unknown = null;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = text; // not JSON: hand over the raw text
    }
    const url = new URL(c.req.url);
    onExchange({
      method: c.req.method,
      path: url.pathname,
      query: url.search,
      status: c.res.status,
      headers: Object.fromEntries(c.res.headers.entries()),
      body,
    });
  };
}

/** Builds the sandbox without opening a socket (use `app.request()` or `startTwilioSandbox`). */
export function createTwilioSandboxApp(options: TwilioSandboxOptions = {}): TwilioSandboxApp {
  const opts = resolveOptions(options);
  const state = createState(opts.accountSid);
  seedState(state, opts);
  const configuredCallbacks = { callbackShape: opts.callbackShape, callbackRepeats: opts.callbackRepeats };
  const callbackSender = createCallbackSender(state, opts.authToken, opts.now, configuredCallbacks);
  const review = createReviewEngine(state, opts, callbackSender);
  const ctx: SandboxContext = { opts, state, review };
  // Kept in state.faults, so the state shows what is armed.
  const faults = new FaultTable(state.faults);
  const closing = new AbortController();
  const limiter = new RateLimiter(opts.now, opts.rateLimit);

  const controls: TwilioSandboxControls = {
    approve: (sid) => review.approve(sid),
    reject: (sid, code) => review.reject(sid, code),
    injectFault: (f) => faults.add(validateFault(f)),
    faults: () => faults.list(),
    clearFaults: () => faults.clear(),
    rateLimit: () => limiter.get(),
    setRateLimit: (limit) => {
      const checked = checkRateLimit(limit);
      if (typeof checked === 'string') throw badRequest(checked);
      return limiter.set(checked);
    },
    reset: () => {
      review.close();
      seedState(state, opts);
      callbackSender.configure(configuredCallbacks);
      limiter.set(opts.rateLimit);
    },
    callbacks: () => [...state.callbacks],
    callbacksSettled: () => callbackSender.settled(),
    callbackSettings: () => callbackSender.settings(),
    configureCallbacks: (changes) => callbackSender.configure(changes),
    snapshot: (origin) => snapshotState(state, origin),
    ...driftControls(state, review),
  };

  const app = new Hono();
  if (opts.onExchange) app.use('*', exchangeRecorder(opts.onExchange));
  // Lazy review progression: every request first catches the clock up.
  app.use('*', async (_c, next) => {
    review.advanceAll();
    await next();
  });
  app.route('/', adminRoutes(state, opts, controls));
  app.route('/', driftAdminRoutes(state, opts, controls));
  // `/v2` is Lookup's (lookups.twilio.com), served on the same origin as trusthub's `/v1` and the 2010 API.
  for (const prefix of ['/v1/*', '/2010-04-01/*', '/v2/*']) {
    app.use(
      prefix,
      countRequests(tally(state.requestCounts)),
      countStatus(429, () => void state.http429++),
      // Before the faults: Twilio's edge refuses excess before anything behind it acts.
      twilioRateLimit(limiter),
      twilioFaults(faults, closing.signal),
      countWrites(tally(state.writeCounts)),
      twilioAuth(opts),
    );
  }
  for (const routes of [
    customerProfileRoutes,
    trustProductRoutes,
    entityAssignmentRoutes,
    trustProductNumberRoutes,
    evaluationRoutes,
    endUserRoutes,
    phoneNumberRoutes,
    lookupRoutes,
  ]) {
    app.route('/', routes(ctx));
  }
  app.notFound((c) => handleError(notFound(c.req.path), c));
  app.onError(handleError);

  const approved = opts.businessProfiles.find((p) => p.status === 'twilio-approved') ?? opts.businessProfiles[0];
  return {
    ...controls,
    app,
    state,
    accountSid: opts.accountSid,
    authToken: opts.authToken,
    defaultBusinessProfileSid: approved?.sid ?? '',
    close: () => {
      review.close();
      closing.abort();
    },
  };
}
