import type { StoreConfig } from './options';
import { contentRejection } from './rules';
import { recordOf, type FlowrouteSandboxState, type SandboxCnam } from './store';

/** What Flowroute's reviewers decide about a pending record. */
export type ReviewDecision = { approved: true } | { approved: false; reason: string };

/** Judges content only: the format was already enforced when the record was created or changed. */
export function reviewCnamValue(value: string): ReviewDecision {
  const reason = contentRejection(value);
  return reason === undefined ? { approved: true } : { approved: false, reason };
}

/**
 * A record's way through review: pending from create (or an update) until `approvalDelayMs` has passed, then
 * approved or rejected. Flowroute has no webhook, so nothing needs pushing: decisions are worked out from the
 * clock whenever someone looks, which keeps tests with an injected clock deterministic.
 */
export interface ReviewEngine {
  /** A new pending record holding `value` (already checked and upper-cased). */
  submit(value: string): SandboxCnam;
  /** Changes a pending record's value and restarts its review. */
  resubmit(rec: SandboxCnam, value: string): SandboxCnam;
  /** Decides every pending record whose review is due. */
  advanceAll(): void;
  /** Decides now, by hand; throws for an unknown id. */
  approve(id: string | number): SandboxCnam;
  reject(id: string | number, reason: string): SandboxCnam;
}

export function createReviewEngine(state: FlowrouteSandboxState, config: StoreConfig): ReviewEngine {
  function advance(rec: SandboxCnam): void {
    if (rec.status !== 'pending' || !config.autoReview || config.now() < rec.reviewDueAtMs) return;
    const decision = reviewCnamValue(rec.value);
    // Decided at the due time, not at the read, so the result does not depend on when someone looks.
    if (decision.approved) {
      rec.status = 'approved';
      rec.approvedAtMs = rec.reviewDueAtMs;
    } else {
      rec.status = 'rejected';
      rec.rejectionReason = decision.reason;
    }
  }

  function decided(id: string | number): SandboxCnam {
    const rec = recordOf(state, id);
    if (!rec) throw new Error(`Flowroute sandbox: no CNAM record ${id}`);
    advance(rec);
    return rec;
  }

  return {
    submit(value) {
      const now = config.now();
      const rec: SandboxCnam = {
        id: state.nextId++,
        value,
        status: 'pending',
        rejectionReason: null,
        createdAtMs: now,
        reviewDueAtMs: now + config.approvalDelayMs,
        approvedAtMs: null,
      };
      state.records.set(rec.id, rec);
      return rec;
    },
    resubmit(rec, value) {
      rec.value = value;
      rec.reviewDueAtMs = config.now() + config.approvalDelayMs;
      return rec;
    },
    advanceAll() {
      for (const rec of state.records.values()) advance(rec);
    },
    approve(id) {
      const rec = decided(id);
      rec.status = 'approved';
      rec.rejectionReason = null;
      rec.approvedAtMs = config.now();
      return rec;
    },
    reject(id, reason) {
      const rec = decided(id);
      rec.status = 'rejected';
      rec.rejectionReason = reason;
      rec.approvedAtMs = null;
      return rec;
    },
  };
}
