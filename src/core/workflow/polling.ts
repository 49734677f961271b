/**
 * Waiting for a provider's review, durably: check, then sleep on a timer that doubles up to a
 * ceiling, until decided or the total bound passes. A workflow loop rather than an activity retry
 * policy, because the next check time must be queryable and a `checkNow` signal must cut the wait.
 * Each round adds ~6 history events; 96 h at a 1 h ceiling is ~100 rounds, far below the limits.
 */
import { ApplicationFailure, condition } from '@temporalio/workflow';
import { FailureType } from '../failures';
import type { DurationField, DurationInput } from '../duration';
import { durationOf } from './durations';
import { workflowNow, type Progress } from './progress';

/** Each bound as [input field it came from, value], so it is checked against that field's limits. */
export interface PollSchedule {
  timeout: [DurationField, DurationInput];
  initialInterval: [DurationField, DurationInput];
  maxInterval: [DurationField, DurationInput];
}

export type Decision<T> = { decided: false } | { decided: true; value: T };

export interface PollTexts {
  /** The Web UI sentence and timer summary for a wait, e.g. "waiting for … next check …". */
  describeWait: (nextCheckAt: Date) => string;
  /** Why the workflow gave up, when the bound passes first (an ApprovalTimedOut failure). */
  timedOut: string;
}

/** Returns the decision; throws a non-retryable ApprovalTimedOut when the bound passes first. */
export async function pollUntilDecided<T>(progress: Progress, schedule: PollSchedule, check: () => Promise<Decision<T>>, texts: PollTexts): Promise<T> {
  const deadline = workflowNow().getTime() + durationOf(...schedule.timeout);
  const maxInterval = durationOf(...schedule.maxInterval);
  let interval = durationOf(...schedule.initialInterval);
  for (;;) {
    progress.checkNowRequested = false;
    const decision = await check();
    if (decision.decided) return decision.value;
    const now = workflowNow().getTime();
    if (now >= deadline) throw ApplicationFailure.create({ type: FailureType.ApprovalTimedOut, message: texts.timedOut, nonRetryable: true });
    const wait = Math.min(interval, deadline - now);
    const nextCheckAt = new Date(now + wait);
    progress.status.nextCheckAt = nextCheckAt.toISOString();
    const sentence = texts.describeWait(nextCheckAt);
    progress.details(`${sentence[0]!.toUpperCase()}${sentence.slice(1)}`);
    await condition(() => progress.checkNowRequested, wait, { summary: sentence });
    interval = Math.min(interval * 2, maxInterval);
  }
}
