import type { MiddlewareHandler } from 'hono';
import { badRequest, TwilioApiError } from './errors';
import type { SandboxFault, TwilioSandboxState } from './store';

const DEFAULT_MESSAGES: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'An internal server error has occurred',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Checks an admin-supplied fault, so a typo fails loudly instead of never matching. */
export function validateFault(f: SandboxFault): SandboxFault & { remaining: number } {
  if (f.status !== undefined && (!Number.isInteger(f.status) || f.status < 400 || f.status > 599)) {
    throw badRequest('fault status must be an integer between 400 and 599');
  }
  if (f.status === undefined && !f.delayMs) throw badRequest('fault needs a status or a delayMs');
  const count = f.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw badRequest('fault count must be a positive integer');
  return { ...f, method: f.method?.toUpperCase(), remaining: count };
}

/** Answers the next matching API requests with the injected fault (Twilio error body, Retry-After on 429). */
export function faultInjection(state: TwilioSandboxState): MiddlewareHandler {
  return async (c, next) => {
    const i = state.faults.findIndex(
      (f) => (!f.method || f.method === c.req.method) && (!f.path || c.req.path.startsWith(f.path)),
    );
    const f = state.faults[i];
    if (!f) return next();
    f.remaining -= 1;
    if (f.remaining <= 0) state.faults.splice(i, 1);
    if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (f.status === undefined) return next();
    const headers: Record<string, string> = {};
    if (f.status === 429) headers['Retry-After'] = String(f.retryAfterSeconds ?? 1);
    else if (f.retryAfterSeconds !== undefined) headers['Retry-After'] = String(f.retryAfterSeconds);
    throw new TwilioApiError(f.status, f.code ?? 20000 + f.status, f.message ?? DEFAULT_MESSAGES[f.status] ?? 'Injected fault', headers);
  };
}
