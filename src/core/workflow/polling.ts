/**
 * Waiting for a provider's review, durably: check, then sleep on a timer that doubles up to a
 * ceiling, until decided or the total bound passes. A workflow loop rather than an activity retry
 * policy, because the next check time must be queryable and `checkNow` must cut the wait short.
 * Each round adds ~6 history events; 96 h at a 1 h ceiling is ~100 rounds, far below the limits.
 */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import { FailureType } from '../failures';
import type { Progress } from './progress';

/** The total bound and the first and longest interval between checks, in milliseconds. */
export interface PollSchedule {
  timeoutMs: number;
  initialIntervalMs: number;
  maxIntervalMs: number;
}

export interface PollTexts {
  /** The timer summary for a wait, e.g. "waiting for … next check …"; the Web UI shows it capitalised. */
  describeWait: (nextCheckAt: Date) => string;
  /** Why the workflow gave up, when the bound passes first (an ApprovalTimedOut failure). */
  timedOut: string;
}

/**
 * Calls `isDecided` until it returns true (it throws for a rejection); throws a non-retryable
 * ApprovalTimedOut when the bound passes first.
 */
export async function pollUntilDecided(
  progress: Progress,
  schedule: PollSchedule,
  isDecided: () => Promise<boolean>,
  texts: PollTexts,
): Promise<void> {
  const deadline = Date.now() + schedule.timeoutMs;
  let interval = schedule.initialIntervalMs;
  progress.awaitingReview = true;
  try {
    for (;;) {
      progress.checkNowRequested = false;
      if (await isDecided()) return;
      const now = Date.now();
      if (now >= deadline)
        throw ApplicationFailure.create({
          type: FailureType.ApprovalTimedOut,
          message: texts.timedOut,
          nonRetryable: true,
        });
      const wait = Math.min(interval, deadline - now);
      const nextCheckAt = new Date(now + wait);
      progress.status.nextCheckAt = nextCheckAt.toISOString();
      const summary = texts.describeWait(nextCheckAt);
      progress.details(`${summary[0]!.toUpperCase()}${summary.slice(1)}`);
      await condition(() => progress.checkNowRequested, wait, { summary });
      interval = Math.min(interval * 2, schedule.maxIntervalMs);
    }
  } finally {
    progress.awaitingReview = false;
  }
}
