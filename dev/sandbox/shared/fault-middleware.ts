import { setTimeout as sleep } from 'node:timers/promises';
import type { Context, MiddlewareHandler } from 'hono';
import { dropConnection } from './connection';
import type { ActiveFault, FaultSpec, FaultTable } from './faults';

/** How an emulator answers in its own error format. */
export interface FaultAnswers<F extends FaultSpec> {
  /** The error response for a `status` fault (may throw the emulator's error class instead). */
  error(fault: ActiveFault<F>, c: Context): Response;
  /** A delayed request the client or the server gave up on. */
  abandoned(c: Context): Response;
}

const BODYLESS = new Set(['GET', 'HEAD']);

/** Applies the faults in `table` before auth and routing, as a failing network or load balancer would. */
export function faultMiddleware<F extends FaultSpec>(
  table: FaultTable<F>,
  closing: AbortSignal,
  answers: FaultAnswers<F>,
): MiddlewareHandler {
  return async (c, next) => {
    const fault = table.take(c.req.method, c.req.path);
    if (!fault) return next();
    const kind = fault.kind ?? 'status';

    if (kind === 'slow-write' || kind === 'lost-response') {
      // Read the body now: once the client is gone its socket can no longer deliver it.
      if (!BODYLESS.has(c.req.method)) await c.req.arrayBuffer();
      if (fault.delayMs) {
        // Only the server closing ends the wait; the write lands whether or not the client is still there.
        await sleep(fault.delayMs, undefined, { signal: closing }).catch(() => dropConnection(c, 'server closing'));
      }
      await next();
      if (kind === 'lost-response') dropConnection(c, 'response lost');
      return;
    }

    if (fault.delayMs) {
      try {
        // Stop waiting when the client gives up or the server closes, so no timer outlives the test.
        await sleep(fault.delayMs, undefined, { signal: AbortSignal.any([closing, c.req.raw.signal]) });
      } catch {
        return answers.abandoned(c);
      }
    }
    if (kind === 'reset') dropConnection(c, 'connection reset');
    if (fault.status === undefined) return next();
    return answers.error(fault, c);
  };
}
