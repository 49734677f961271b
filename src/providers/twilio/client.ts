/**
 * The official Twilio SDK, configured once per worker: credentials, an optional
 * Twilio-compatible origin (the sandbox) and an http client whose errors say what to retry.
 */
import twilio, { type Twilio } from 'twilio';
import { observeProviderCall, routeOf } from '../../telemetry/provider-calls';

// The SDK's request and response types, named through its public export rather than its lib/ files.
declare const requestClient: twilio.RequestClient;
type RequestOptions<TData> = Parameters<typeof requestClient.request<TData>>[0];
type Response<TData> = Awaited<ReturnType<typeof requestClient.request<TData>>>;

export type { Twilio };

/** The CNAM policy SID from Twilio's guide, the same in every account. */
export const CNAM_POLICY_SID = 'RNf3db3cd1fe25fcfd3c3ded065c8fea53';

export interface TwilioClientConfig {
  accountSid: string;
  authToken?: string;
  apiKeySid?: string;
  apiKeySecret?: string;
  /** Origin of a Twilio-compatible API (the sandbox); unset = Twilio. */
  baseUrl?: string;
  timeoutMs?: number;
}

/** Twilio answered 429. Thrown by our http client, so the Retry-After of *this* response is kept. */
export class TwilioRateLimitError extends Error {
  override readonly name = 'TwilioRateLimitError';
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
  }
}

/** No HTTP response: connection refused or reset, DNS, timeout. Carries no request config (it holds the credentials). */
export class TwilioNetworkError extends Error {
  override readonly name = 'TwilioNetworkError';
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

/** Reads `Retry-After` as delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(header: unknown, nowMs: number = Date.now()): number | null {
  if (typeof header !== 'string' || header.trim() === '') return null;
  const v = header.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** The SDK's documented `httpClient` hook: 429 and transport failures become our own errors. */
class TwilioHttpClient extends twilio.RequestClient {
  override async request<TData>(opts: RequestOptions<TData>): Promise<Response<TData>> {
    const method = opts.method.toUpperCase();
    const path = new URL(opts.uri).pathname;
    const where = `${method} ${path}`;
    let res: Response<TData>;
    try {
      res = await observeProviderCall(
        { provider: 'twilio', method, route: routeOf(path) },
        () => super.request(opts),
        (r) => r.statusCode,
      );
    } catch (err) {
      // Axios errors carry the request config, Authorization header included: keep only code and text.
      const e = err as { code?: unknown; message?: unknown };
      const code = typeof e.code === 'string' ? e.code : null;
      throw new TwilioNetworkError(
        `Twilio unreachable (${where}): ${code ?? ''} ${String(e.message ?? err)}`.replace(/\s+/g, ' '),
        code,
      );
    }
    if (res.statusCode === 429) {
      const headers = res.headers as Record<string, unknown> | undefined;
      const body = res.body as { message?: unknown } | string | undefined;
      const text = typeof body === 'object' && typeof body?.message === 'string' ? body.message : 'Too Many Requests';
      throw new TwilioRateLimitError(`Twilio 429 (${where}): ${text}`, parseRetryAfter(headers?.['retry-after']));
    }
    return res;
  }
}

/** Builds the SDK client. API key auth when apiKeySid/apiKeySecret are set, else the auth token. */
export function createTwilioClient(config: TwilioClientConfig): Twilio {
  const { accountSid, authToken, apiKeySid, apiKeySecret, baseUrl, timeoutMs } = config;
  const httpClient = new TwilioHttpClient({ timeout: timeoutMs });
  const useKey = Boolean(apiKeySid || apiKeySecret);
  if (useKey && !(apiKeySid && apiKeySecret))
    throw new Error('Twilio API key auth needs both apiKeySid and apiKeySecret');
  if (!useKey && !authToken) throw new Error('Twilio auth needs authToken, or apiKeySid and apiKeySecret');
  const client = useKey
    ? twilio(apiKeySid, apiKeySecret, { accountSid, httpClient })
    : twilio(accountSid, authToken, { accountSid, httpClient });
  if (baseUrl) {
    const origin = baseUrl.replace(/\/+$/, '');
    client.trusthub.baseUrl = origin;
    client.api.baseUrl = origin;
    client.lookups.baseUrl = origin;
    // TWILIO_REGION/EDGE in the environment would rewrite the emulator's host name.
    client.region = undefined;
    client.edge = undefined;
  }
  return client;
}
