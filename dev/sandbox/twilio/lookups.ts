import { Hono } from 'hono';
import {
  isSupportedCountry,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
  type CountryCode,
} from 'libphonenumber-js/max';
import type { SandboxContext } from './context';
import { originOf } from './http';
import { callerNameDip, type CallerNameInfo } from './network-cnam';

/** Lookup v2's reasons a number is invalid (libphonenumber's, which Twilio's names follow). */
type ValidationError =
  | 'TOO_SHORT'
  | 'TOO_LONG'
  | 'INVALID_BUT_POSSIBLE'
  | 'INVALID_COUNTRY_CODE'
  | 'INVALID_LENGTH'
  | 'NOT_A_NUMBER';

/** A looked-up number: its formats when valid, else why not. */
type ReadNumber =
  | { valid: true; e164: string; country: string | null; callingCode: string; national: string }
  | { valid: false; given: string; error: ValidationError };

/** E.164, or national format read in `CountryCode` (default US, as Twilio's docs say). */
function readNumber(given: string, countryParam: string | undefined): ReadNumber {
  // An E.164 number names its own country; CountryCode only reads national format.
  const country = given.trim().startsWith('+') ? undefined : (countryParam ?? 'US').toUpperCase();
  if (country !== undefined && !isSupportedCountry(country))
    return { valid: false, given, error: 'INVALID_COUNTRY_CODE' };
  const length = validatePhoneNumberLength(given, country as CountryCode | undefined);
  const parsed = parsePhoneNumberFromString(given, country as CountryCode | undefined);
  if (length !== undefined || !parsed?.isValid()) {
    const error: ValidationError =
      length === 'INVALID_COUNTRY'
        ? 'INVALID_COUNTRY_CODE'
        : (length ?? (parsed ? 'INVALID_BUT_POSSIBLE' : 'NOT_A_NUMBER'));
    return { valid: false, given: parsed?.number ?? given, error };
  }
  return {
    valid: true,
    e164: parsed.number,
    country: parsed.country ?? null,
    callingCode: parsed.countryCallingCode,
    national: parsed.formatNational(),
  };
}

/** The Lookup v2 PhoneNumber resource, keys in the order of Twilio's examples; packages not emulated are null. */
function phoneNumberJson(origin: string, n: ReadNumber, callerName: CallerNameInfo | null) {
  const number = n.valid ? n.e164 : n.given;
  return {
    calling_country_code: n.valid ? n.callingCode : null,
    country_code: n.valid ? n.country : null,
    phone_number: number,
    national_format: n.valid ? n.national : null,
    valid: n.valid,
    validation_errors: n.valid ? null : [n.error],
    caller_name: callerName,
    sim_swap: null,
    call_forwarding: null,
    line_status: null,
    live_activity: null,
    line_type_intelligence: null,
    identity_match: null,
    reassigned_number: null,
    sms_pumping_risk: null,
    phone_number_quality_score: null,
    pre_fill: null,
    url: `${origin}/v2/PhoneNumbers/${number}`,
  };
}

/**
 * Lookup v2 `GET /v2/PhoneNumbers/{PhoneNumber}`, of its packages only caller_name (a CNAM dip; see network-cnam.ts).
 * An unreadable number is a 200 with `valid: false` and `validation_errors`, as in Twilio's v2 examples (v1 answered
 * 404); it gets no caller_name and is not counted as a dip.
 */
export function lookupRoutes({ state, opts }: SandboxContext): Hono {
  const app = new Hono();
  app.get('/v2/PhoneNumbers/:phoneNumber', (c) => {
    const n = readNumber(c.req.param('phoneNumber'), c.req.query('CountryCode'));
    const fields = (c.req.query('Fields') ?? '').split(',').map((f) => f.trim());
    const callerName = n.valid && fields.includes('caller_name') ? callerNameDip(state, opts, n.e164, n.country) : null;
    return c.json(phoneNumberJson(originOf(c, opts.publicUrl), n, callerName));
  });
  return app;
}
