// Normalises a phone number to a US local long code, the only kind that can carry an outbound CNAM
// at both providers. Pure: safe in the Temporal workflow sandbox.
import { ParseError, parsePhoneNumberWithError, type PhoneNumber } from 'libphonenumber-js/max';

export type PhoneRule = 'required' | 'parse' | 'us-only' | 'not-toll-free' | 'valid-number';

export type PhoneCheck = { ok: true; e164: string; national: string } | { ok: false; rule: PhoneRule; message: string };

// Digits and the punctuation people write numbers with; anything else is text beside the number.
const PHONE_CHARACTERS = /^\+?[\d\s().\-/]+$/;

const TOLL_FREE_AREA_CODES = new Set(['800', '833', '844', '855', '866', '877', '888']);
// Premium-rate (900) and personal (5XX) numbers resolve to US but are not local long codes.
const LOCAL_TYPES = new Set<ReturnType<PhoneNumber['getType']>>(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']);

const refuse = (rule: PhoneRule, message: string): PhoneCheck => ({ ok: false, rule, message });

function parse(raw: string): PhoneNumber | ParseError {
  try {
    return parsePhoneNumberWithError(raw, 'US');
  } catch (error) {
    if (error instanceof ParseError) return error;
    throw error;
  }
}

/**
 * Parses `raw` (default country US) and accepts only US local long codes, e.g. '2065550100',
 * '12065550100', '+1 (206) 555-0100' or '206.555.0100'. Refuses toll-free, Canadian and other
 * non-US numbers, and numbers that are not possible or have an unknown area code.
 */
export function normalizeUsLongCode(raw: string): PhoneCheck {
  const input = raw.trim();
  if (input === '') return refuse('required', 'A phone number is required; the value is empty.');

  const phone = parse(input);
  if (phone instanceof ParseError) {
    return refuse('parse', `${JSON.stringify(input)} is not a phone number (${phone.message}).`);
  }
  if (phone.countryCallingCode !== '1') {
    return refuse(
      'us-only',
      `Only US numbers can carry a CNAM; ${phone.number} is in country code +${phone.countryCallingCode}.`,
    );
  }
  if (!phone.isPossible()) {
    return refuse('valid-number', `${JSON.stringify(input)} does not have the 10 digits of a US number.`);
  }
  const areaCode = phone.nationalNumber.slice(0, 3);
  // Our list is the documented 8XX set; the type also catches toll-free codes opened later.
  if (TOLL_FREE_AREA_CODES.has(areaCode) || phone.getType() === 'TOLL_FREE') {
    return refuse(
      'not-toll-free',
      `Toll-free numbers (+1 ${areaCode} ...) cannot carry a CNAM; use a US local long code.`,
    );
  }
  // For +1 numbers libphonenumber resolves the country from the area code and exchange, so this is
  // "possible + US area code" without isValid(); /max 1.13.16 resolves fictional 555-01xx numbers
  // (+1 206 555 0100) to US as FIXED_LINE_OR_MOBILE, so our test numbers pass.
  if (phone.country !== undefined && phone.country !== 'US') {
    return refuse('us-only', `Only US numbers can carry a CNAM; ${phone.number} belongs to ${phone.country}.`);
  }
  if (phone.country === undefined) {
    return refuse('valid-number', `${phone.number} is not a valid US number (unknown area code or exchange).`);
  }
  if (phone.ext !== undefined) {
    return refuse('valid-number', `${JSON.stringify(input)} has an extension; a CNAM belongs to the whole number.`);
  }
  // libphonenumber drops text it cannot read (e.g. a trailing "ext" with no digits); refuse it instead.
  if (!PHONE_CHARACTERS.test(input)) {
    return refuse(
      'parse',
      `${JSON.stringify(input)} has text that is not part of a phone number; give only the number.`,
    );
  }
  if (!LOCAL_TYPES.has(phone.getType())) {
    return refuse(
      'valid-number',
      `${phone.number} is not a US local long code (it is ${phone.getType() ?? 'an unknown type'}).`,
    );
  }
  return { ok: true, e164: phone.number, national: phone.formatNational() };
}
