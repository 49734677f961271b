import type { MiddlewareHandler } from 'hono';
import { faultMiddleware } from '../shared/fault-middleware';
import { checkFault, type FaultTable } from '../shared/faults';
import { badRequest, TwilioApiError } from './errors';
import type { SandboxFault } from './store';

const DEFAULT_MESSAGES: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'An internal server error has occurred',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Checks an admin-supplied fault, so a typo fails loudly (400 / 20001) instead of never matching. */
export function validateFault(input: unknown): SandboxFault {
  const checked = checkFault<SandboxFault>(input, {
    extraFields: { code: 'number', message: 'string' },
    minStatus: 400,
  });
  if (typeof checked === 'string') throw badRequest(checked);
  return checked;
}

/** Applies armed faults before auth, answering status faults with a Twilio error body. */
export function twilioFaults(table: FaultTable<SandboxFault>, closing: AbortSignal): MiddlewareHandler {
  return faultMiddleware(table, closing, {
    abandoned: () => {
      throw new TwilioApiError(503, 20503, 'Request abandoned');
    },
    error: (f) => {
      const status = f.status ?? 500;
      const headers: Record<string, string> = {};
      // Retry-After: 1 on a 429 unless the fault names a value; null leaves it out, as Twilio does not promise it.
      const retryAfter = f.retryAfterSeconds === undefined && status === 429 ? 1 : f.retryAfterSeconds;
      if (retryAfter !== undefined && retryAfter !== null) headers['Retry-After'] = String(retryAfter);
      throw new TwilioApiError(
        status,
        f.code ?? 20000 + status,
        f.message ?? DEFAULT_MESSAGES[status] ?? 'Injected fault',
        headers,
      );
    },
  });
}
