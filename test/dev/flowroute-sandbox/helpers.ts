import { startFlowrouteSandbox, type StartFlowrouteSandboxOptions } from '../../../dev/sandbox/flowroute';

// The emulator is tested over raw HTTP, without the product's Flowroute client, so a client bug cannot hide an
// emulator bug (or the other way round).

export const ACCESS_KEY = 'test-access-key';
export const SECRET_KEY = 'test-secret-Zq9x7';
export const MEDIA = 'application/vnd.api+json';
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A hand-driven clock so review timing is decided by the test, not by wall time. */
export function manualClock(start = Date.UTC(2025, 0, 6, 12, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    start,
  };
}

/** A sandbox on a random port with test credentials. */
export function startSandbox(options: StartFlowrouteSandboxOptions = {}) {
  return startFlowrouteSandbox({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, port: 0, ...options });
}

export const basicAuthHeader = (user = ACCESS_KEY, pass = SECRET_KEY) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** Raw request to the sandbox with valid credentials unless told otherwise. */
export function rawFetch(url: string, init: RequestInit & { auth?: string | null } = {}): Promise<Response> {
  const { auth = basicAuthHeader(), headers, ...rest } = init;
  const h = new Headers(headers);
  if (auth !== null) h.set('Authorization', auth);
  return fetch(url, { ...rest, headers: h });
}

/** A cnam resource's attributes as Flowroute sends them. */
export interface CnamAttributes {
  value: string;
  is_approved: boolean;
  rejection_reason: string | null;
  creation_datetime: string;
  approval_datetime: string | null;
  alias: null;
}
export interface CnamResource {
  id: string;
  type: 'cnam';
  attributes: CnamAttributes;
  relationships?: { numbers: { data: { id: string; type: string }[] } };
}
export interface ErrorDoc {
  errors: { id: string; status: number; title: string; detail: string }[];
}

/** Epoch ms of Flowroute's `YYYY-MM-DD HH:MM:SS.ffffff+00:00` timestamps (the sandbox's clock has ms). */
export function flowrouteTime(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}\.\d{3})\d{3}\+00:00$/.exec(text);
  if (!m) throw new Error(`not a Flowroute timestamp: ${text}`);
  return Date.parse(`${m[1]}T${m[2]}Z`);
}

/** The CNAM calls the tests make, each answering the status and the parsed document. */
export function cnamApi(baseUrl: string) {
  const call = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await rawFetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
  };
  const created = async (value: string): Promise<CnamResource> => {
    const res = await call<{ data: CnamResource }>('/v2/cnams', {
      method: 'POST',
      headers: { 'Content-Type': MEDIA },
      body: JSON.stringify({ value }),
    });
    if (res.status !== 201)
      throw new Error(`create ${JSON.stringify(value)} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  return {
    /** POST /v2/cnams with whatever it answers. */
    create: (value: string) =>
      call<{ data: CnamResource } | ErrorDoc>('/v2/cnams', {
        method: 'POST',
        headers: { 'Content-Type': MEDIA },
        body: JSON.stringify({ value }),
      }),
    /** POST /v2/cnams that must answer 201; the created resource. */
    created,
    /** GET /v2/cnams/{id}; the resource. */
    get: async (id: string): Promise<CnamResource> => (await call<{ data: CnamResource }>(`/v2/cnams/${id}`)).body.data,
    list: async (query = ''): Promise<CnamResource[]> =>
      (await call<{ data: CnamResource[] }>(`/v2/cnams${query}`)).body.data,
    patch: (id: string, value: string) =>
      call<{ data: CnamResource } | ErrorDoc>(`/v2/cnams/${id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': MEDIA },
        body: JSON.stringify({ data: { type: 'cnam', attributes: { value } } }),
      }),
    assign: (number: string, id: string) =>
      call<unknown>(`/v2/numbers/${number}/relationships/cnams/${id}`, { method: 'PATCH' }),
  };
}
