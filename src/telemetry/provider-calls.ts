/**
 * One hook around every provider HTTP call (Flowroute's fetch, the Twilio SDK's request client), so
 * metrics and traces observe the calls without the provider clients knowing about either.
 */

/** One provider HTTP call, as observers see it: no body, no credentials. */
export interface ProviderCall {
  provider: string;
  method: string;
  /** The path with ids replaced (e.g. `/v2/cnams/{id}`), so it can be a metric label. */
  route: string;
}

/** How the call ended: the HTTP status, or null when no response came (timeout, reset, refused). */
export interface ProviderCallOutcome {
  status: number | null;
  error?: unknown;
}

/** Called as a call starts; the function it returns is called once when the call ends. */
export type ProviderCallObserver = (call: ProviderCall) => (outcome: ProviderCallOutcome) => void;

const observers: ProviderCallObserver[] = [];

/** Adds an observer for the rest of the process (the metrics and tracing set-ups add theirs once). */
export function addProviderCallObserver(observer: ProviderCallObserver): () => void {
  observers.push(observer);
  return () => {
    const at = observers.indexOf(observer);
    if (at >= 0) observers.splice(at, 1);
  };
}

/** Path segments that are ids (digits, SIDs, UUIDs, E.164 numbers) become `{id}`. */
export function routeOf(path: string): string {
  const pathname = path.split('?')[0] ?? path;
  return pathname
    .split('/')
    .map((segment) => {
      const [id = '', suffix = ''] = segment.split(/(?=\.json$)/);
      const isId = /^\+?\d{3,}$/.test(id) || /^[A-Z]{2}[0-9a-f]{32}$/.test(id) || /^[0-9a-f-]{16,}$/i.test(id);
      return isId ? `{id}${suffix}` : segment;
    })
    .join('/');
}

/** Runs `send` and tells every observer how it went; `statusOf` reads the status of a response `send` returns. */
export async function observeProviderCall<T>(
  call: ProviderCall,
  send: () => Promise<T>,
  statusOf: (response: T) => number,
): Promise<T> {
  if (observers.length === 0) return send();
  const ends = observers.map((observe) => observe(call));
  const finish = (outcome: ProviderCallOutcome) => {
    for (const end of ends) end(outcome);
  };
  try {
    const response = await send();
    finish({ status: statusOf(response) });
    return response;
  } catch (error) {
    finish({ status: null, error });
    throw error;
  }
}
