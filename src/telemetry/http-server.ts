/** A SERVER span per API request, continuing the caller's trace (W3C traceparent) and active while the app handles it. */
import { context, propagation, SpanKind, SpanStatusCode, type TextMapGetter, trace } from '@opentelemetry/api';

type Fetch<E, C> = (request: Request, env: E, executionContext: C) => Response | Promise<Response>;

const headerGetter: TextMapGetter<Headers> = {
  get: (headers, key) => headers.get(key) ?? undefined,
  keys: (headers) => [...headers.keys()],
};

/**
 * Wraps a fetch handler; `routeOf` names the route template a path matched (`/v1/provisions/{id}`
 * style), so span names stay few; unmatched paths are named by themselves.
 */
export function traceRequests<E, C>(
  fetch: Fetch<E, C>,
  routeOf: (method: string, path: string) => string | undefined,
): Fetch<E, C> {
  const tracer = trace.getTracer('cnam-orchestrator/http');
  return async (request, env, executionContext) => {
    const path = new URL(request.url).pathname;
    const route = routeOf(request.method, path);
    const parent = propagation.extract(context.active(), request.headers, headerGetter);
    const span = tracer.startSpan(
      `${request.method} ${route ?? path}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.method': request.method, 'http.target': path, ...(route && { 'http.route': route }) },
      },
      parent,
    );
    try {
      const response = await context.with(trace.setSpan(parent, span), () => fetch(request, env, executionContext));
      span.setAttribute('http.status_code', response.status);
      // A 4xx is the caller's mistake, not the server's (OTel's HTTP server convention).
      if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
      return response;
    } catch (err) {
      if (err instanceof Error) span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw err;
    } finally {
      span.end();
    }
  };
}

/** Hono's matched route for a request: the last non-middleware (method other than ALL) route the router matches. */
export function honoRouteOf(app: {
  router: {
    match(method: string, path: string): [[[unknown, { method: string; path: string }], unknown][], ...unknown[]];
  };
}): (method: string, path: string) => string | undefined {
  return (method, path) => {
    const [matches] = app.router.match(method === 'HEAD' ? 'GET' : method, path);
    const handlers = matches.filter(([[, r]]) => r.method !== 'ALL');
    return handlers[handlers.length - 1]?.[0][1].path;
  };
}
