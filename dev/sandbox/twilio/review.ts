import type { CallbackSender } from './callbacks';
import { badRequest, notFound } from './errors';
import type { ResolvedOptions, TrustHubStatus } from './options';
import { failureReason, reviewDecision } from './rules';
import type { TrustHubErrorEntry, TrustProduct, TwilioSandboxState } from './store';

/**
 * Moves submitted Trust Products through pending-review → in-review → decision.
 * Transitions are computed lazily from the clock on every request (deterministic tests)
 * and also pushed by unref'd timers (so callbacks fire without anyone polling).
 */
export interface ReviewEngine {
  submit(tp: TrustProduct): void;
  advanceAll(): void;
  approve(sid: string): void;
  reject(sid: string, code?: number): void;
  /**
   * Puts a product in any status at once, as Twilio's staff (or an expiry) might: no review, callbacks as for any
   * status Twilio sets; the review carries on from there (pending-review and in-review progress as usual).
   */
  force(sid: string, status: TrustHubStatus): TrustProduct;
  forget(sid: string): void;
  close(): void;
}

/** Builds the engine over the shared state; `callbacks` is told about every Twilio-made status change. */
export function createReviewEngine(
  state: TwilioSandboxState,
  opts: ResolvedOptions,
  callbacks: CallbackSender,
): ReviewEngine {
  const timers = new Map<string, NodeJS.Timeout>();

  function setStatus(tp: TrustProduct, status: TrustHubStatus, at: number, errors: TrustHubErrorEntry[] | null): void {
    tp.status = status;
    tp.dateUpdated = at;
    tp.errors = errors;
    tp.failureReason = errors ? failureReason(errors) : null;
    if (status === 'in-review') tp.inReviewAt = at;
    tp.approvedAt = status === 'twilio-approved' ? at : null;
    callbacks.notify(tp);
    schedule(tp);
  }

  function nextDue(tp: TrustProduct): number | null {
    if (tp.status === 'pending-review' && tp.submittedAt !== null) return tp.submittedAt + opts.inReviewDelayMs;
    if (tp.status === 'in-review' && opts.autoReview && tp.inReviewAt !== null)
      return tp.inReviewAt + opts.decisionDelayMs;
    return null;
  }

  function advance(tp: TrustProduct): void {
    // Loop so a zero delay goes straight through both steps.
    for (let due = nextDue(tp); due !== null && opts.now() >= due; due = nextDue(tp)) {
      if (tp.status === 'pending-review') setStatus(tp, 'in-review', due, null);
      else {
        const errors = reviewDecision(state, tp, opts.prohibitedTerms);
        setStatus(
          tp,
          errors.length > 0 ? 'twilio-rejected' : 'twilio-approved',
          due,
          errors.length > 0 ? errors : null,
        );
      }
    }
  }

  function schedule(tp: TrustProduct): void {
    clearTimeout(timers.get(tp.sid));
    timers.delete(tp.sid);
    const due = nextDue(tp);
    if (due === null) return;
    const timer = setTimeout(
      () => {
        timers.delete(tp.sid);
        if (!state.trustProducts.has(tp.sid)) return;
        const before = tp.status;
        advance(tp);
        // A real clock may fire a hair early: re-arm. An injected clock is driven by its owner.
        if (tp.status === before && !opts.clockInjected) schedule(tp);
      },
      Math.max(0, due - opts.now()),
    );
    timer.unref();
    timers.set(tp.sid, timer);
  }

  function decided(sid: string): TrustProduct {
    const tp = state.trustProducts.get(sid);
    if (!tp) throw notFound(`/v1/TrustProducts/${sid}`);
    advance(tp);
    if (tp.status === 'draft') throw badRequest(`Trust Product ${sid} is draft; submit it before deciding`);
    return tp;
  }

  return {
    submit(tp) {
      const t = opts.now();
      tp.submittedAt = t;
      tp.inReviewAt = null;
      tp.status = 'pending-review';
      tp.errors = null;
      tp.failureReason = null;
      tp.dateUpdated = t;
      schedule(tp);
    },
    advanceAll() {
      for (const tp of state.trustProducts.values()) advance(tp);
    },
    approve(sid) {
      setStatus(decided(sid), 'twilio-approved', opts.now(), null);
    },
    reject(sid, code = 11009) {
      setStatus(decided(sid), 'twilio-rejected', opts.now(), [{ code }]);
    },
    force(sid, status) {
      const tp = state.trustProducts.get(sid);
      if (!tp) throw notFound(`/v1/TrustProducts/${sid}`);
      advance(tp);
      const at = opts.now();
      if (status === 'pending-review' || status === 'draft') tp.submittedAt = status === 'draft' ? null : at;
      // A forced rejection keeps the codes of an earlier one, else says only "does not meet the requirements".
      const errors = status === 'twilio-rejected' ? (tp.errors ?? [{ code: 11009 }]) : null;
      setStatus(tp, status, at, errors);
      return tp;
    },
    forget(sid) {
      clearTimeout(timers.get(sid));
      timers.delete(sid);
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
