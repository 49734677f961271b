import type { Context } from 'hono';
import { badRequest } from './errors';

/** Which slice of a list a request asked for. */
export interface PageWindow {
  pageSize: number;
  page: number;
  offset: number;
}

/** Query filters to echo into page links, in order; undefined ones are dropped. */
export type Filters = [name: string, value: string | undefined][];

const DEFAULT_PAGE_SIZE = 50;

function encodeToken(offset: number): string {
  return 'PT' + Buffer.from(String(offset)).toString('base64url');
}

function decodeToken(token: string): number {
  const n = token.startsWith('PT') ? Number(Buffer.from(token.slice(2), 'base64url').toString()) : NaN;
  if (!Number.isInteger(n) || n < 0) throw badRequest(`Invalid PageToken: ${token}`);
  return n;
}

function intParam(c: Context, name: string, min: number, max: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw badRequest(`Invalid ${name}: must be an integer between ${min} and ${max}`);
  return n;
}

/**
 * PageSize (1-1000, default 50), Page (echoed; "only for client state") and PageToken
 * (opaque, `PT` + base64 offset; Twilio does not document its format) decide the window.
 */
export function readPaging(c: Context): PageWindow {
  const token = c.req.query('PageToken');
  return {
    pageSize: intParam(c, 'PageSize', 1, 1000) ?? DEFAULT_PAGE_SIZE,
    page: intParam(c, 'Page', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    offset: token ? decodeToken(token) : 0,
  };
}

function query(filters: Filters, pageSize: number, page: number, offset: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of filters) if (v !== undefined) q.append(k, v);
  q.set('PageSize', String(pageSize));
  q.set('Page', String(page));
  if (offset > 0) q.set('PageToken', encodeToken(offset));
  return q.toString();
}

interface Links {
  first: string;
  current: string;
  previous: string | null;
  next: string | null;
}

function links(base: string, filters: Filters, w: PageWindow, total: number): Links {
  const prevOffset = Math.max(0, w.offset - w.pageSize);
  return {
    first: `${base}?${query(filters, w.pageSize, 0, 0)}`,
    current: `${base}?${query(filters, w.pageSize, w.page, w.offset)}`,
    previous: w.offset > 0 ? `${base}?${query(filters, w.pageSize, Math.max(0, w.page - 1), prevOffset)}` : null,
    next:
      w.offset + w.pageSize < total ? `${base}?${query(filters, w.pageSize, w.page + 1, w.offset + w.pageSize)}` : null,
  };
}

/** A Trust Hub list body: `{results, meta}` with absolute URLs. */
export function trustHubPage<T>(c: Context, origin: string, filters: Filters, all: T[], toJson: (item: T) => unknown) {
  const w = readPaging(c);
  const l = links(origin + c.req.path, filters, w, all.length);
  return {
    results: all.slice(w.offset, w.offset + w.pageSize).map(toJson),
    meta: {
      page: w.page,
      page_size: w.pageSize,
      first_page_url: l.first,
      previous_page_url: l.previous,
      url: l.current,
      next_page_url: l.next,
      key: 'results',
    },
  };
}

/** A 2010 API list body: the records under `key` with flat, relative `*_uri` paging fields. */
export function apiPage<T>(c: Context, key: string, filters: Filters, all: T[], toJson: (item: T) => unknown) {
  const w = readPaging(c);
  const l = links(c.req.path, filters, w, all.length);
  const items = all.slice(w.offset, w.offset + w.pageSize);
  return {
    end: items.length > 0 ? w.offset + items.length - 1 : 0,
    first_page_uri: l.first,
    [key]: items.map(toJson),
    next_page_uri: l.next,
    page: w.page,
    page_size: w.pageSize,
    previous_page_uri: l.previous,
    start: w.offset,
    uri: l.current,
  };
}
