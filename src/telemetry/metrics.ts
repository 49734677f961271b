/**
 * Our own metrics. The worker's go through the Temporal runtime's meter, so they share the SDK's
 * Prometheus endpoint (CNAM_METRICS_ADDRESS, see src/logging.ts); the API's are prom-client's, at its
 * `GET /metrics` (src/api/metrics.ts). Counters carry no `_total` suffix on the worker (the SDK's
 * default, kept so its own metric names stay as documented); the API's follow prom-client.
 *
 * Worker, from workflow code (src/core/workflow/metrics.ts; not emitted while a workflow replays).
 * Every one also carries the labels the SDK's workflow meter adds: `namespace`, `taskQueue`, `workflowType`.
 *   cnam_provisionings_started     counter    provider, operation, step        a run began (step: validating)
 *   cnam_provisionings_completed   counter    provider, operation, step        a run completed (step: completed)
 *   cnam_provisionings_failed      counter    provider, operation, step, failure_type
 *                                                                               a run failed; step: where it failed
 *   cnam_provisionings_cancelled   counter    provider, operation, step        a run was cancelled; step: where it was
 *   cnam_verification_outcomes     counter    provider, outcome                 one per number a run verified by CNAM dips;
 *                                                                               outcome: showing, not-showing, unverifiable, skipped
 * Worker, from every provider HTTP call (src/telemetry/provider-calls.ts):
 *   cnam_provider_calls                   counter    provider, method, route, status   status: the HTTP status, `none` when no response came
 *   cnam_provider_call_duration_seconds   histogram  provider, method, route, status   from request to the body read
 *   cnam_provider_rate_limited            counter    provider, method, route           the provider answered 429
 * API (prom-client):
 *   cnam_api_requests_total             counter    method, route, status   route: the matched pattern (`/v1/provisions/:id`), `unmatched` for a 404
 *   cnam_api_request_duration_seconds   histogram  method, route, status
 *   plus prom-client's default process metrics (process_*, nodejs_*)
 */
import type { MetricMeter } from '@temporalio/common';
import { addProviderCallObserver, type ProviderCallObserver } from './provider-calls';

export const PROVIDER_CALL_DURATION = 'cnam_provider_call_duration_seconds';

/** The runtime's histograms default to millisecond buckets (50 … 10000); ours are in seconds. */
export const WORKER_HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [PROVIDER_CALL_DURATION]: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25],
};

/** Records every provider call on `meter`'s instruments. */
export function providerCallMetrics(meter: MetricMeter): ProviderCallObserver {
  const calls = meter.createCounter('cnam_provider_calls', undefined, 'Provider HTTP calls, by status');
  const duration = meter.createHistogram(PROVIDER_CALL_DURATION, 'float', 's', 'Provider HTTP call duration');
  const rateLimited = meter.createCounter('cnam_provider_rate_limited', undefined, 'Provider calls answered 429');
  return ({ provider, method, route }) => {
    const started = performance.now();
    return ({ status }) => {
      const tags = { provider, method, route, status: status === null ? 'none' : String(status) };
      calls.add(1, tags);
      duration.record((performance.now() - started) / 1000, tags);
      if (status === 429) rateLimited.add(1, { provider, method, route });
    };
  };
}

let installed = false;

/** Starts recording provider calls on the Temporal runtime's meter. Once per process, after Runtime.install. */
export function installWorkerMetrics(): void {
  if (installed) return;
  installed = true;
  // Loaded here: importing the worker package starts the native bridge.
  const { Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  addProviderCallObserver(providerCallMetrics(Runtime.instance().metricMeter));
}
