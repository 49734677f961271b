/**
 * OpenTelemetry tracing (issue 12 part 5). Placeholder until the tracing work lands: tracing is off,
 * so every function returns nothing to add.
 */
import type { WorkflowClientInterceptors } from '@temporalio/client';

/** Client interceptors that carry the current trace into the workflows a client starts; none while tracing is off. */
export function clientTracingInterceptors(): { workflow?: WorkflowClientInterceptors } | undefined {
  return undefined;
}

/** What a Worker.create() takes for tracing (interceptors, sinks); nothing while tracing is off. */
export function workerTracingOptions(): Record<string, never> {
  return {};
}
