import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ConnectionDropped } from '../shared/connection';

/** Twilio's error body: `{code, message, more_info, status}`. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
}

/** The one error class of the sandbox; the central handler turns it into a Twilio error response. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TwilioApiError';
  }

  body(): TwilioErrorBody {
    return {
      code: this.code,
      message: this.message,
      more_info: `https://www.twilio.com/docs/errors/${this.code}`,
      status: this.status,
    };
  }
}

/** 400 / 20001 for a missing form parameter; Twilio marks parameters required but documents no error, so the wording is the sandbox's. */
export const missingParam = (name: string): TwilioApiError =>
  new TwilioApiError(400, 20001, `Missing required parameter ${name} in the post body`);

/** 400 / 20001 for any other refused input or precondition, which have no documented code. */
export const badRequest = (message: string): TwilioApiError => new TwilioApiError(400, 20001, message);

export const notFound = (path: string): TwilioApiError =>
  new TwilioApiError(404, 20404, `The requested resource ${path} was not found`);

/** 400 / 21409 for `VoiceCallerIdLookup=true` on a number that does not support Caller Name Lookup. */
export const callerIdLookupUnsupported = (): TwilioApiError =>
  new TwilioApiError(400, 21409, 'VoiceCallerIdLookup cannot be set for this phone number');

export const conflict = (message: string): TwilioApiError => new TwilioApiError(409, 20409, message);

export const unauthenticated = (): TwilioApiError =>
  new TwilioApiError(401, 20003, 'Authenticate', { 'WWW-Authenticate': 'Basic realm="Twilio API"' });

/** Hono `onError` handler: Twilio errors as-is, anything else as a 500 / 20500. */
export function handleError(err: Error, c: Context): Response {
  // A dropped connection has nobody to answer.
  if (err instanceof ConnectionDropped) throw err;
  // A bug in the sandbox must not hide behind a tidy Twilio 500.
  if (!(err instanceof TwilioApiError)) console.error('[twilio-sandbox] unexpected error', err);
  const e =
    err instanceof TwilioApiError ? err : new TwilioApiError(500, 20500, 'An internal server error has occurred');
  for (const [k, v] of Object.entries(e.headers)) c.header(k, v);
  return c.json(e.body(), e.status as ContentfulStatusCode);
}
