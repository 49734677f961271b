import { Hono } from 'hono';
import { countRequests, countStatus, countWrites, tally } from '../shared/counters';
import { checkRateLimit, RateLimiter, type RateLimit, type ResolvedRateLimit } from '../shared/rate-limit';
import { adminRoutes, snapshotState, type FlowrouteSandboxSnapshot } from './admin';
import { flowrouteAuth } from './auth';
import { cnamRoutes } from './cnams';
import type { SandboxContext } from './context';
import { flowrouteError, handleError } from './errors';
import { FaultQueue, flowrouteFaults, type ActiveFlowrouteFault, type Fault } from './faults';
import { numberRoutes } from './numbers';
import { resolveOptions, type FlowrouteSandboxOptions } from './options';
import { portalControls } from './portal';
import { flowrouteRateLimit } from './rate-limit';
import { createReviewEngine } from './review';
import { createState, recordOf, seedState } from './store';
import { FlowrouteSandboxStore } from './store-facade';

/** Controls shared by the in-process app and the running server. */
export interface FlowrouteSandboxControls {
  /** The live account state, with methods. */
  state: FlowrouteSandboxStore;
  snapshot(): FlowrouteSandboxSnapshot;
  approve(id: string): void;
  reject(id: string, reason: string): void;
  /** Arms a fault; throws when it is malformed. */
  injectFault(fault: Fault): ActiveFlowrouteFault;
  clearFaults(): void;
  /** The request-rate limit in force; null when there is none. */
  rateLimit(): ResolvedRateLimit | null;
  /** Puts a limit in force with a full bucket (null lifts it); throws when it is malformed. */
  setRateLimit(limit: RateLimit | null): ResolvedRateLimit | null;
  /** Empties the account and its counters, clears faults and restores the configured numbers and rate limit. */
  reset(): void;
  /**
   * The approved CNAM the number (E.164) carries and since when it applies: the later of its assignment and the
   * record's approval. Null without one. What the Twilio sandbox's Lookup reads as "the network's CNAM database".
   */
  registeredCnam(e164: string): { name: string; sinceMs: number } | null;
  /** Sets the number's CNAM preset as the portal does: any record, no review, null clears; throws if unknown. */
  setNumberCnam(numberId: string, cnamId: string | null): void;
  /** Takes the number off the account: the API then answers 404 for it. Throws for a number not on the account. */
  releaseNumber(numberId: string): void;
}

export interface FlowrouteSandboxApp extends FlowrouteSandboxControls {
  app: Hono;
  /** Ends pending fault delays; the server calls it on close. */
  dispose(): void;
}

/** Builds the emulator as a Hono app; serve it with startFlowrouteSandbox or call `app.request` directly. */
export function createFlowrouteSandboxApp(options: FlowrouteSandboxOptions = {}): FlowrouteSandboxApp {
  const opts = resolveOptions(options);
  const state = createState();
  seedState(state, opts);
  const review = createReviewEngine(state, opts);
  const ctx: SandboxContext = { opts, state, review };
  const faults = new FaultQueue(state.faults);
  const closing = new AbortController();
  const limiter = new RateLimiter(opts.now, opts.rateLimit);

  const controls: FlowrouteSandboxControls = {
    state: new FlowrouteSandboxStore(opts, state),
    snapshot: () => {
      review.advanceAll();
      return snapshotState(state, opts, faults.list());
    },
    approve: (id) => void review.approve(id),
    reject: (id, reason) => void review.reject(id, reason),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    rateLimit: () => limiter.get(),
    setRateLimit: (limit) => {
      const checked = checkRateLimit(limit);
      if (typeof checked === 'string') throw new Error(`Flowroute sandbox: ${checked}`);
      return limiter.set(checked);
    },
    reset: () => {
      seedState(state, opts);
      faults.clear();
      limiter.set(opts.rateLimit);
    },
    ...portalControls(state, opts, review),
  };

  const app = new Hono();
  // Reviews are decided lazily: every request first catches the records up with the clock.
  app.use('*', async (_c, next) => {
    review.advanceAll();
    await next();
  });
  app.route(
    '/',
    adminRoutes({
      ...controls,
      has: (id) => recordOf(state, id) !== undefined,
      hasNumber: (id) => state.numbers.has(id),
      faults: () => faults.list(),
    }),
  );
  app.use(
    '/v2/*',
    countRequests(tally(state.requestCounts)),
    countStatus(429, () => void state.http429++),
    // Before the faults: the provider's edge refuses excess before anything behind it acts.
    flowrouteRateLimit(limiter),
    flowrouteFaults(faults, closing.signal),
    countWrites(tally(state.writeCounts)),
    flowrouteAuth(opts),
  );
  for (const routes of [cnamRoutes, numberRoutes]) app.route('/', routes(ctx));
  app.notFound(() => flowrouteError(404, 'Resource not found', 'The requested resource was not found.'));
  app.onError(handleError);

  return { app, ...controls, dispose: () => closing.abort() };
}
