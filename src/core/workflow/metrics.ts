/**
 * The workflow-side metrics (named and labelled in src/telemetry/metrics.ts). The SDK's workflow
 * `metricMeter` drops values while a workflow replays, so a run is counted once however often it is
 * replayed; a metric is no history event, so no `patched()` guards it.
 */
import { metricMeter } from '@temporalio/workflow';

export type RunEvent = 'started' | 'completed' | 'failed' | 'cancelled';

export interface RunTags {
  provider: string;
  /** provision, rename, remove or adopt. */
  operation: string;
  /** The step the run was at: where it started, ended, failed or was cancelled. */
  step: string;
  /** Failed runs only: the failure's type (FailureType), `none` when it has none. */
  failure_type?: string;
}

const RUN_DESCRIPTIONS: Record<RunEvent, string> = {
  started: 'Provisioning runs started',
  completed: 'Provisioning runs completed',
  failed: 'Provisioning runs failed, by the step they failed at',
  cancelled: 'Provisioning runs cancelled, by the step they were at',
};

/** Counts one run starting or ending (`cnam_provisionings_<event>`). */
export function countRun(event: RunEvent, tags: RunTags): void {
  // Instruments are made per call: the workflow meter may only be used inside a workflow's context.
  metricMeter.createCounter(`cnam_provisionings_${event}`, undefined, RUN_DESCRIPTIONS[event]).add(1, { ...tags });
}

/** Counts each verified number's final outcome (`cnam_verification_outcomes`). */
export function countVerificationOutcomes(provider: string, outcomes: readonly string[]): void {
  const counter = metricMeter.createCounter(
    'cnam_verification_outcomes',
    undefined,
    'Numbers verified by CNAM dips, by outcome',
  );
  for (const outcome of outcomes) counter.add(1, { provider, outcome });
}
