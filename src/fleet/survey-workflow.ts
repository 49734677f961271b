/**
 * Reads, for a fleet's plan, what each provider already has. The provider calls run as activities on
 * the provider's own queue, in the worker, which holds the credentials: the CLI and the API need none.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import { NON_RETRYABLE_FAILURES } from '../core/failures';
import { providerTaskQueue } from '../core/workflow/activity-options';
import type { GroupSurvey } from './messages';

export interface FleetSurveyInput {
  /** One survey per provider of the fleet: its activity and each group's query, in the plan's order. */
  providers: { provider: string; activity: string; groups: unknown[] }[];
}

export interface FleetSurveyResult {
  /** In the order of the input: each provider's answer per group, or why it could not be read (the plan goes on without). */
  providers: { provider: string; groups: GroupSurvey[] | null; failure: string | null }[];
}

export async function surveyFleet(input: FleetSurveyInput): Promise<FleetSurveyResult> {
  const providers = await Promise.all(
    input.providers.map(async ({ provider, activity, groups }) => {
      const acts = proxyActivities<Record<string, (q: { groups: unknown[] }) => Promise<{ groups: GroupSurvey[] }>>>({
        taskQueue: providerTaskQueue(workflowInfo().taskQueue, provider),
        // A large account is a few pages of records or products; the plan waits for them.
        startToCloseTimeout: '2m',
        retry: { maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_FAILURES },
      });
      try {
        return { provider, groups: (await acts[activity]!({ groups })).groups, failure: null };
      } catch (err) {
        let cause: unknown = err;
        while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
        return { provider, groups: null, failure: cause instanceof Error ? cause.message : String(cause) };
      }
    }),
  );
  return { providers };
}
