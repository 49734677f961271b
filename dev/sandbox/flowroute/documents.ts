import type { SandboxCnam, SandboxNumber } from './store';

/** Flowroute replies with the JSON:API media type whatever the request sent. */
export const MEDIA_TYPE = 'application/vnd.api+json';

/** A JSON:API document with Flowroute's content type. */
export function jsonApi(status: number, doc: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(doc), { status, headers: { 'Content-Type': MEDIA_TYPE, ...headers } });
}

/** Flowroute's `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, as in its examples; the clock has milliseconds, so µs end in 000. */
export function flowrouteDatetime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000+00:00`;
}

/** RFC-1123, as in the assign and unassign replies. */
export function rfc1123(ms: number): string {
  return new Date(ms).toUTCString();
}

/** A cnam resource object as it appears in create, list and detail documents. */
export function cnamResource(origin: string, rec: SandboxCnam) {
  return {
    id: String(rec.id),
    type: 'cnam',
    links: { self: `${origin}/v2/cnams/${rec.id}` },
    attributes: {
      value: rec.value,
      is_approved: rec.status === 'approved',
      rejection_reason: rec.rejectionReason,
      creation_datetime: flowrouteDatetime(rec.createdAtMs),
      approval_datetime: rec.approvedAtMs === null ? null : flowrouteDatetime(rec.approvedAtMs),
      alias: null,
    },
  };
}

/**
 * Detail: approved records always carry `relationships.numbers`, plus `included` numbers when any. The docs show
 * them only for records tied to numbers but the SDK README shows an empty list, so clients must take both.
 */
export function cnamDetailDocument(origin: string, rec: SandboxCnam, numbers: SandboxNumber[]) {
  const resource = cnamResource(origin, rec);
  if (rec.status !== 'approved') return { data: resource };
  const data = {
    ...resource,
    relationships: { numbers: { data: numbers.map((n) => ({ id: n.id, type: 'number' })) } },
  };
  return numbers.length ? { data, included: numbers.map((n) => numberResource(origin, n)) } : { data };
}

// Enough rate-center data for the default numbers; anything else reports nulls.
const RATE_CENTERS: Record<string, { rate_center: string; state: string }> = {
  '206': { rate_center: 'seattle', state: 'wa' },
  '312': { rate_center: 'chicago', state: 'il' },
  '646': { rate_center: 'nwyrcyzn01', state: 'ny' },
};

/** A number resource object; `cnam_preset` shows the assignment at once (Flowroute does not say when it appears). */
export function numberResource(origin: string, n: SandboxNumber) {
  const place = RATE_CENTERS[n.id.slice(1, 4)];
  return {
    id: n.id,
    type: 'number',
    links: { self: `${origin}/v2/numbers/${n.id}` },
    attributes: {
      alias: null,
      cnam_lookups_enabled: false,
      number_type: 'standard',
      rate_center: place?.rate_center ?? null,
      state: place?.state ?? null,
      value: n.id,
    },
    relationships: {
      cnam_preset: { data: n.cnamId === null ? null : { id: String(n.cnamId), type: 'cnam' } },
      e911_address: { data: null },
      failover_route: { data: null },
      primary_route: { data: null },
    },
  };
}

/** Number detail, with the assigned cnam object in `included`. */
export function numberDocument(origin: string, n: SandboxNumber, cnam: SandboxCnam | undefined) {
  const data = numberResource(origin, n);
  return cnam ? { data, included: [cnamResource(origin, cnam)] } : { data };
}

/** `links` for a page: `next` only when records remain past this page, as in Flowroute's examples. */
export function pageLinks(url: URL, total: number, limit: number, offset: number): { self: string; next?: string } {
  const links: { self: string; next?: string } = { self: url.toString() };
  if (offset + limit < total) {
    const next = new URL(url);
    next.searchParams.set('limit', String(limit));
    next.searchParams.set('offset', String(offset + limit));
    links.next = next.toString();
  }
  return links;
}
