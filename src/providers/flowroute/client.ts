import type { z } from 'zod';
import { isTransientStatus } from '../../core/transient';
import { FlowrouteApiError, parseRetryAfter } from './errors';
import {
  cnamAssignmentDocumentSchema,
  cnamDocumentSchema,
  cnamListDocumentSchema,
  errorDocumentSchema,
  numberDocumentSchema,
  type CnamResource,
} from './schemas';
import { observeProviderCall, routeOf } from '../../telemetry/provider-calls';

/** Connection settings; the secret is only ever turned into an Authorization header. */
export interface FlowrouteClientOptions {
  /** Defaults to https://api.flowroute.com; point it at the sandbox in development. */
  baseUrl?: string;
  accessKey: string;
  secretKey: string;
  /** Per request, body included; defaults to 15000. */
  timeoutMs?: number;
  userAgent?: string;
}

/** A CNAM record with timestamps as ISO-8601 strings. */
export interface CnamRecord {
  id: string;
  value: string;
  isApproved: boolean;
  rejectionReason: string | null;
  createdAt: string;
  approvedAt: string | null;
  numberIds: string[];
}

/** One page of `GET /v2/cnams`; `nextOffset` is null on the last page. */
export interface CnamPage {
  records: CnamRecord[];
  nextOffset: number | null;
}

/** The parts of a number document the CNAM flow reads. */
export interface FlowrouteNumber {
  id: string;
  cnamPresetId: string | null;
  numberType: string | null;
  cnamLookupsEnabled: boolean | null;
}

export interface ListCnamsQuery {
  limit?: number;
  offset?: number;
  isApproved?: boolean;
  value?: string;
}

const MEDIA_TYPE = 'application/vnd.api+json';
const FIND_PAGE_SIZE = 100;
// Stops a server that never ends its `next` links from looping forever.
const FIND_MAX_PAGES = 1000;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

/** Typed client for the Flowroute v2 CNAM and number calls; one instance per set of credentials. */
export class FlowrouteClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly #authorization: string;
  readonly #secretKey: string;
  readonly #userAgent: string;

  constructor(options: FlowrouteClientOptions) {
    if (!options.accessKey || !options.secretKey) throw new Error('FlowrouteClient needs accessKey and secretKey');
    this.baseUrl = (options.baseUrl ?? 'https://api.flowroute.com').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.#secretKey = options.secretKey;
    this.#authorization = `Basic ${Buffer.from(`${options.accessKey}:${options.secretKey}`).toString('base64')}`;
    this.#userAgent = options.userAgent ?? 'cnam-orchestrator';
  }

  /** `POST /v2/cnams`; the record starts pending and Flowroute upper-cases the value. */
  async createCnam(value: string): Promise<CnamRecord> {
    const res = await this.#send('POST', '/v2/cnams', { value });
    return toRecord(this.#parse(res, cnamDocumentSchema, 'POST', '/v2/cnams'));
  }

  /** `GET /v2/cnams`, one page, ascending id. */
  async listCnams(query: ListCnamsQuery = {}): Promise<CnamPage> {
    const params = new URLSearchParams();
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.offset !== undefined) params.set('offset', String(query.offset));
    if (query.isApproved !== undefined) params.set('is_approved', String(query.isApproved));
    if (query.value !== undefined) params.set('value', query.value);
    const qs = params.toString();
    const path = qs ? `/v2/cnams?${qs}` : '/v2/cnams';
    const doc = this.#parse(await this.#send('GET', path), cnamListDocumentSchema, 'GET', path);
    const records = doc.data.map((r) => resourceToRecord(r, []));
    const next = doc.links?.next;
    return { records, nextOffset: next ? nextOffsetOf(next, (query.offset ?? 0) + records.length) : null };
  }

  /**
   * Finds the record whose value equals `value` (trimmed, case-insensitive), so a retried create can
   * pick up the record an earlier attempt made. Asks Flowroute to filter by `value` (a substring match):
   * one request however many records the account holds. A server that ignores the filter answers with
   * every record, which this still pages through and matches exactly, only slower.
   */
  async findCnamByValue(value: string): Promise<CnamRecord | null> {
    const wanted = value.trim().toUpperCase();
    let offset = 0;
    for (let page = 0; page < FIND_MAX_PAGES; page++) {
      const { records, nextOffset } = await this.listCnams({ limit: FIND_PAGE_SIZE, offset, value: value.trim() });
      const hit = records.find((r) => r.value.trim().toUpperCase() === wanted);
      if (hit) return hit;
      if (nextOffset === null || nextOffset <= offset || records.length === 0) return null;
      offset = nextOffset;
    }
    return null;
  }

  /** `GET /v2/cnams/{id}`, with the numbers that use the record. */
  async getCnam(id: string): Promise<CnamRecord> {
    const path = `/v2/cnams/${encodeURIComponent(id)}`;
    return toRecord(this.#parse(await this.#send('GET', path), cnamDocumentSchema, 'GET', path));
  }

  /** `DELETE /v2/cnams/{id}`; Flowroute also unassigns every number using the record. */
  async deleteCnam(id: string): Promise<void> {
    await this.#send('DELETE', `/v2/cnams/${encodeURIComponent(id)}`);
  }

  /** `PATCH /v2/numbers/{numberId}/relationships/cnams/{cnamId}`; the record must be approved. */
  async assignCnam(numberId: string, cnamId: string): Promise<{ cnamId: string; dateCreated: string }> {
    const path = `/v2/numbers/${encodeURIComponent(numberId)}/relationships/cnams/${encodeURIComponent(cnamId)}`;
    const doc = this.#parse(await this.#send('PATCH', path), cnamAssignmentDocumentSchema, 'PATCH', path);
    return { cnamId: doc.data.id, dateCreated: doc.data.attributes.date_created };
  }

  /** `DELETE /v2/numbers/{numberId}/relationships/cnams`; succeeds when nothing is assigned. */
  async unassignCnam(numberId: string): Promise<void> {
    await this.#send('DELETE', `/v2/numbers/${encodeURIComponent(numberId)}/relationships/cnams`);
  }

  /** `GET /v2/numbers/{numberId}`; `cnamPresetId` is the assigned CNAM record, if any. */
  async getNumber(numberId: string): Promise<FlowrouteNumber> {
    const path = `/v2/numbers/${encodeURIComponent(numberId)}`;
    const { data } = this.#parse(await this.#send('GET', path), numberDocumentSchema, 'GET', path);
    return {
      id: data.id,
      cnamPresetId: data.relationships?.cnam_preset?.data ?? null,
      numberType: data.attributes?.number_type ?? null,
      cnamLookupsEnabled: data.attributes?.cnam_lookups_enabled ?? null,
    };
  }

  /** Sends one request; resolves with a 2xx response and throws FlowrouteApiError for anything else. */
  async #send(method: Method, path: string, body?: unknown): Promise<RawResponse> {
    const headers: Record<string, string> = {
      Authorization: this.#authorization,
      Accept: MEDIA_TYPE,
      'User-Agent': this.#userAgent,
    };
    if (body !== undefined) headers['Content-Type'] = MEDIA_TYPE;
    let status: number;
    let contentType: string;
    let text: string;
    let retryAfter: string | null;
    try {
      // One signal covers connecting, headers and reading the body.
      const res = await observeProviderCall(
        { provider: 'flowroute', method, route: routeOf(path) },
        async () => {
          const r = await fetch(`${this.baseUrl}${path}`, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(this.timeoutMs),
          });
          // Read inside the observed call: the body is part of the call's time and can time out too.
          return { status: r.status, headers: r.headers, text: await r.text() };
        },
        (r) => r.status,
      );
      status = res.status;
      contentType = res.headers.get('content-type') ?? '';
      retryAfter = res.headers.get('retry-after');
      text = res.text;
    } catch (err) {
      throw this.#transportError(err, method, path);
    }
    if (status >= 200 && status < 300) return { status, contentType, text };
    throw this.#httpError({ status, contentType, text }, retryAfter, method, path);
  }

  #transportError(err: unknown, method: Method, path: string): FlowrouteApiError {
    const name = err instanceof Error ? err.name : '';
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const reason = err instanceof Error ? describeCause(err) : String(err);
    return new FlowrouteApiError({
      status: null,
      title: timedOut ? 'Timeout' : 'Network error',
      detail: this.#redact(
        timedOut ? `${method} ${path} got no response within ${this.timeoutMs} ms` : `${method} ${path}: ${reason}`,
      ),
      retryable: true,
      method,
      path,
      cause: err,
    });
  }

  #httpError(res: RawResponse, retryAfter: string | null, method: Method, path: string): FlowrouteApiError {
    const retryable = isTransientStatus(res.status);
    const retryAfterMs = res.status === 429 || res.status === 503 ? parseRetryAfter(retryAfter) : null;
    const doc = errorDocumentSchema.safeParse(safeJson(res.text));
    if (!doc.success) {
      return new FlowrouteApiError({
        status: res.status,
        title: 'Unexpected response',
        detail: this.#redact(
          `${method} ${path} returned ${res.status} without an errors document (${describeBody(res)})`,
        ),
        retryable,
        retryAfterMs,
        method,
        path,
      });
    }
    const [first] = doc.data.errors;
    const details = doc.data.errors.map((e) => e.detail ?? '').filter((d) => d !== '');
    return new FlowrouteApiError({
      status: res.status,
      title: first?.title || httpTitle(res.status),
      detail: this.#redact(details.join('; ')),
      retryable,
      retryAfterMs,
      errorId: first?.id == null ? null : String(first.id),
      method,
      path,
    });
  }

  /** Validates a 2xx body; a mismatch is permanent because repeating the call returns the same shape. */
  #parse<S extends z.ZodType>(res: RawResponse, schema: S, method: Method, path: string): z.output<S> {
    const json = safeJson(res.text);
    const fail = (what: string) =>
      new FlowrouteApiError({
        status: res.status,
        title: 'Unexpected response',
        detail: this.#redact(`${method} ${path} returned ${res.status} with ${what}`),
        retryable: false,
        method,
        path,
      });
    if (json === undefined) throw fail(`a body that is not JSON (${describeBody(res)})`);
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      throw fail(`an unexpected document: ${issues.join('; ')}`);
    }
    return parsed.data;
  }

  // Nothing the server or the network says should ever carry the secret into a log, but make sure.
  #redact(text: string): string {
    return this.#secretKey ? text.split(this.#secretKey).join('[redacted]') : text;
  }
}

function toRecord(doc: { data: CnamResource; included?: { id: string; type: string }[] | null }): CnamRecord {
  const included = (doc.included ?? []).filter((i) => i.type === 'number').map((i) => i.id);
  return resourceToRecord(doc.data, included);
}

function resourceToRecord(r: CnamResource, includedNumberIds: string[]): CnamRecord {
  const related = (r.relationships?.numbers?.data ?? []).map((n) => n.id);
  const a = r.attributes;
  return {
    id: r.id,
    value: a.value,
    isApproved: a.is_approved,
    rejectionReason: a.rejection_reason,
    createdAt: a.creation_datetime,
    approvedAt: a.approval_datetime,
    numberIds: [...new Set([...related, ...includedNumberIds])],
  };
}

function nextOffsetOf(nextLink: string, fallback: number): number {
  try {
    const raw = new URL(nextLink, 'https://api.flowroute.com').searchParams.get('offset');
    const n = raw === null ? NaN : Number(raw);
    return Number.isInteger(n) && n >= 0 ? n : fallback;
  } catch {
    return fallback;
  }
}

function safeJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeBody(res: RawResponse): string {
  const type = res.contentType || 'no content type';
  if (res.text.trim() === '') return `${type}, empty body`;
  const snippet = res.text.replace(/\s+/g, ' ').trim().slice(0, 120);
  return `${type}: ${snippet}`;
}

function describeCause(err: Error): string {
  const cause = err.cause instanceof Error ? err.cause : undefined;
  const code = cause && 'code' in cause ? String(cause.code) : undefined;
  return code ? `${err.message} (${code})` : cause ? `${err.message} (${cause.message})` : err.message;
}

function httpTitle(status: number): string {
  const titles: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Resource not found',
    405: 'Method Not Allowed',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return titles[status] ?? 'HTTP error';
}
