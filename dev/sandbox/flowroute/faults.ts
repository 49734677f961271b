import type { MiddlewareHandler } from 'hono';
import { faultMiddleware } from '../shared/fault-middleware';
import { checkFault, FaultTable, type ActiveFault, type FaultSpec } from '../shared/faults';
import { flowrouteError } from './errors';

/**
 * A fault for matching requests (see FaultSpec for `kind`, `count`, `rate`, `delayMs`), answered with a
 * Flowroute error document when it is a `status` fault.
 */
export interface Fault extends FaultSpec {
  title?: string;
  detail?: string;
}

export type ActiveFlowrouteFault = ActiveFault<Fault>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'ActionNotAuthorizedError',
  404: 'Resource not found',
  405: 'Method Not Allowed',
  415: 'Unsupported Media Type',
  422: 'Invalid CNAM value',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Checks a fault from an untyped source (the admin endpoint); returns an error message or the fault. */
export function validateFault(input: unknown): Fault | string {
  return checkFault<Fault>(input, { extraFields: { title: 'string', detail: 'string' }, minStatus: 100 });
}

/** The armed faults; `add` throws on a malformed fault. */
export class FaultQueue extends FaultTable<Fault> {
  override add(fault: Fault): ActiveFlowrouteFault {
    const checked = validateFault(fault);
    if (typeof checked === 'string') throw new Error(`Flowroute sandbox: ${checked}`);
    return super.add(checked);
  }
}

/** Applies armed faults before auth and routing, answering status faults in Flowroute's error format. */
export function flowrouteFaults(queue: FaultQueue, closing: AbortSignal): MiddlewareHandler {
  return faultMiddleware(queue, closing, {
    abandoned: () => flowrouteError(503, 'Service Unavailable', 'Request abandoned.'),
    error: (fault) => {
      const status = fault.status ?? 500;
      // Flowroute's 429 sends Retry-After only when the fault names one.
      const headers: Record<string, string> =
        fault.retryAfterSeconds === undefined || fault.retryAfterSeconds === null
          ? {}
          : { 'Retry-After': String(fault.retryAfterSeconds) };
      return flowrouteError(
        status,
        fault.title ?? TITLES[status] ?? 'Error',
        fault.detail ?? 'Injected by the Flowroute sandbox.',
        headers,
      );
    },
  });
}
