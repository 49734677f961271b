import type { Context } from 'hono';
import { badRequest, missingParam } from './errors';

/** Reads a form-encoded body; Twilio writes are always `application/x-www-form-urlencoded`. */
export async function readForm(c: Context): Promise<URLSearchParams> {
  return new URLSearchParams(await c.req.text());
}

/** A required form parameter; empty counts as missing, as the SDK sends `''` verbatim. */
export function requireParam(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (v === null || v.trim() === '') throw missingParam(name);
  return v;
}

/** An optional form parameter (undefined when absent). */
export function optionalParam(form: URLSearchParams, name: string): string | undefined {
  return form.get(name) ?? undefined;
}

/** Twilio booleans arrive as `true`/`false` (the SDK's `serialize.bool`). */
export function parseBool(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`Invalid value for ${name}: expected true or false`);
}

/** An absolute http(s) URL parameter such as `StatusCallback`. */
export function parseUrlParam(name: string, value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // fall through to the 400
  }
  throw badRequest(`Invalid ${name}: ${value} is not an absolute http(s) URL`);
}

/** Trust Hub timestamps: ISO-8601 UTC without milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** 2010 API timestamps: RFC-2822, e.g. `Thu, 30 Jul 2015 23:19:04 +0000`. */
export function rfc2822Time(ms: number): string {
  return new Date(ms).toUTCString().replace(/GMT$/, '+0000');
}

/** The origin to put in absolute URLs: the configured public URL, else the one the client used. */
export function originOf(c: Context, publicUrl: string | undefined): string {
  return publicUrl ?? new URL(c.req.url).origin;
}
