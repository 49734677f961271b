/**
 * The API's Prometheus metrics (listed in src/telemetry/metrics.ts): request counts and latencies by
 * the matched route pattern, served at `GET /metrics`. Each app has its own registry, so tests (and
 * the dev stack) can build apps freely; the process metrics are one registry per process, merged in.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ApiEnv } from './context';

/** Anything else a client sends is `other`: a label must not grow with what clients invent. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const LABELS = ['method', 'route', 'status'] as const;

let processRegistry: Registry | undefined;

/** CPU, memory, event-loop lag and GC of this process: collected once, whatever the number of apps. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

export interface ApiMetrics {
  /** Counts and times every request; first, so it sees the answer of every other middleware. */
  middleware: MiddlewareHandler<ApiEnv>;
  /** The `GET /metrics` handler: Prometheus text format. */
  scrape(c: Context<ApiEnv>): Promise<Response>;
}

export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'cnam_api_requests_total',
    help: 'API requests, by method, matched route and status',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'cnam_api_request_duration_seconds',
    help: 'API request duration, by method, matched route and status',
    labelNames: LABELS,
    registers: [registry],
  });
  const both = [registry, processMetrics()];
  return {
    middleware: async (c, next) => {
      const end = duration.startTimer();
      await next();
      const labels = {
        method: METHODS.has(c.req.method) ? c.req.method : 'other',
        route: routeOf(c),
        status: String(c.res.status),
      };
      requests.inc(labels);
      end(labels);
    },
    scrape: async (c) => {
      const merged = Registry.merge(both);
      return c.body(await merged.metrics(), 200, { 'Content-Type': merged.contentType });
    },
  };
}

/** The pattern of the route that answered (`/v1/provisions/:id`), never the raw path; `unmatched` when none did. */
function routeOf(c: Context<ApiEnv>): string {
  // Middleware (`use`) is registered as method ALL; the endpoint is the last route with a method of its own.
  const endpoints = matchedRoutes(c).filter((route) => route.method !== 'ALL');
  return endpoints.at(-1)?.path ?? 'unmatched';
}
