import { createHash } from 'node:crypto';
import twilio from 'twilio';

/**
 * Body shapes a Trust Product status callback can take. Twilio documents none, so a
 * receiver is tested against each: the SID under `BundleSid` (default), `Sid` or `TrustProductSid` in a
 * form body, or a JSON body with `ResourceSid`.
 */
export const CALLBACK_SHAPES = ['form-bundle', 'form-sid', 'form-trust-product-sid', 'json'] as const;
export type CallbackShape = (typeof CALLBACK_SHAPES)[number];

/** How callbacks are sent; settable at start and at runtime. */
export interface CallbackSettings {
  callbackShape: CallbackShape;
  /** Deliveries of each callback, to emulate Twilio retrying or duplicating; 1 means once. */
  callbackRepeats: number;
}

export const DEFAULT_CALLBACK_SETTINGS: CallbackSettings = { callbackShape: 'form-bundle', callbackRepeats: 1 };

/** What one status change reports. */
export interface CallbackFields {
  accountSid: string;
  trustProductSid: string;
  status: string;
  failureReason?: string;
}

/** A callback ready to POST: the URL to request, the body and its signature. */
export interface SignedCallback {
  url: string;
  contentType: string;
  body: string;
  params: Record<string, string>;
  signature: string;
}

const FORM_SID_FIELD = {
  'form-bundle': 'BundleSid',
  'form-sid': 'Sid',
  'form-trust-product-sid': 'TrustProductSid',
} as const;

/** Checks settings from an untyped source; returns the problem as a message, or the settings given. */
export function checkCallbackSettings(input: unknown): Partial<CallbackSettings> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return 'callback settings must be a JSON object';
  const { callbackShape, callbackRepeats, ...rest } = input as Record<string, unknown>;
  const [unknown] = Object.keys(rest);
  if (unknown) return `unknown callback setting ${unknown}`;
  if (callbackShape !== undefined && !CALLBACK_SHAPES.includes(callbackShape as CallbackShape)) {
    return `callbackShape must be one of ${CALLBACK_SHAPES.join(', ')}`;
  }
  if (callbackRepeats !== undefined && (!Number.isInteger(callbackRepeats) || (callbackRepeats as number) < 1)) {
    return 'callbackRepeats must be a positive integer';
  }
  return {
    ...(callbackShape !== undefined && { callbackShape: callbackShape as CallbackShape }),
    ...(callbackRepeats !== undefined && { callbackRepeats: callbackRepeats as number }),
  };
}

/**
 * Builds and signs one callback. Form bodies are signed over the URL plus the sorted fields; a JSON body
 * as Twilio signs JSON webhooks: `bodySHA256=<hex sha256 of the body>` is added to the URL and the
 * signature covers that URL with no fields.
 */
export function signedCallback(
  shape: CallbackShape,
  authToken: string,
  url: string,
  fields: CallbackFields,
): SignedCallback {
  const reason: Record<string, string> = fields.failureReason ? { FailureReason: fields.failureReason } : {};
  if (shape === 'json') {
    const params: Record<string, string> = {
      AccountSid: fields.accountSid,
      ResourceSid: fields.trustProductSid,
      Status: fields.status,
      ...reason,
    };
    const body = JSON.stringify(params);
    const signedUrl = withQueryParam(url, 'bodySHA256', createHash('sha256').update(body).digest('hex'));
    return {
      url: signedUrl,
      contentType: 'application/json',
      body,
      params,
      signature: twilio.getExpectedTwilioSignature(authToken, signedUrl, {}),
    };
  }
  const params: Record<string, string> = {
    AccountSid: fields.accountSid,
    [FORM_SID_FIELD[shape]]: fields.trustProductSid,
    Status: fields.status,
    ...reason,
  };
  return {
    url,
    contentType: 'application/x-www-form-urlencoded',
    body: new URLSearchParams(params).toString(),
    params,
    signature: twilio.getExpectedTwilioSignature(authToken, url, params),
  };
}

// Appended as text, so the rest of the stored URL stays byte for byte what the signature covers.
function withQueryParam(url: string, name: string, value: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}${name}=${value}`;
}
