/** A CLIENT span per provider HTTP call, child of whatever is active (the RunActivity span of the activity making it). */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { ProviderCallObserver } from './provider-calls';

/** The observer tracing adds to provider-calls.ts: no body, no credentials, as the observers see it. */
export function providerCallSpans(tracer: Tracer): ProviderCallObserver {
  return (call) => {
    const span = tracer.startSpan(`${call.method} ${call.route}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'http.method': call.method, 'http.route': call.route, 'cnam.provider': call.provider },
    });
    return ({ status, error }) => {
      if (status !== null) span.setAttribute('http.status_code', status);
      if (error instanceof Error) span.recordException(error);
      if (status === null || status >= 400) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message:
            status === null ? `no response${error instanceof Error ? `: ${error.message}` : ''}` : `HTTP ${status}`,
        });
      }
      span.end();
    };
  };
}
