/**
 * Waiting for a provider's review, durably: check, then sleep on a timer that doubles up to a
 * ceiling, until decided or the total bound passes. A workflow loop rather than an activity retry
 * policy, because the next check time must be queryable and a `checkNow` signal must cut the wait.
 * Each round adds ~6 history events; 96 h at a 1 h ceiling is ~100 rounds, far below the limits.
 */
import { condition } from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { DurationInput } from './messages';
import { workflowNow, type Progress } from './progress';

export interface PollSchedule {
  timeout: DurationInput;
  initialInterval: DurationInput;
  maxInterval: DurationInput;
}

export type Decision<T> = { decided: false } | { decided: true; value: T };

/** Returns the decision, or `timedOut` when the bound passed first. */
export async function pollUntilDecided<T>(
  progress: Progress,
  schedule: PollSchedule,
  check: () => Promise<Decision<T>>,
  describeWait: (nextCheckAt: Date) => string,
): Promise<{ timedOut: false; value: T } | { timedOut: true }> {
  const deadline = workflowNow().getTime() + msToNumber(schedule.timeout);
  const maxInterval = msToNumber(schedule.maxInterval);
  let interval = msToNumber(schedule.initialInterval);
  for (;;) {
    progress.checkNowRequested = false;
    const decision = await check();
    if (decision.decided) return { timedOut: false, value: decision.value };
    const now = workflowNow().getTime();
    if (now >= deadline) return { timedOut: true };
    const wait = Math.min(interval, deadline - now);
    const nextCheckAt = new Date(now + wait);
    progress.status.nextCheckAt = nextCheckAt.toISOString();
    const sentence = describeWait(nextCheckAt);
    progress.details(`${sentence[0]!.toUpperCase()}${sentence.slice(1)}`);
    await condition(() => progress.checkNowRequested, wait, { summary: sentence });
    interval = Math.min(interval * 2, maxInterval);
  }
}
