/**
 * Flowroute's CNAM name rules. Format rules are what Flowroute checks when a record is created
 * (a 422 otherwise); content rules are what its review judges later (a rejection after hours).
 * Both are checked before any API call, so a bad name never waits 48 hours to be refused.
 */
import {
  allowedCharacters,
  checkWithRules,
  maxLength,
  needsLetter,
  noProfanity,
  notMisleading,
  notPhoneNumber,
  required,
  type NameCheck,
} from '../../core/names';

const FLOWROUTE_CHAR = /[A-Za-z0-9 \-_.,@+&'/"]/;
const characters = allowedCharacters(
  FLOWROUTE_CHAR,
  `Names may contain only letters A-Z, digits, spaces and - _ . , @ + & ' / "`,
);

const FORMAT = [required, maxLength, needsLetter, characters];
const CONTENT = [notPhoneNumber, noProfanity, notMisleading];

/** Storage rules checked synchronously at create: required, max-length, needs-letter, allowed-characters. */
export function checkFlowrouteFormat(raw: string): NameCheck {
  return checkWithRules(raw, FORMAT);
}

/** Content rules judged at review: not-phone-number, no-profanity, not-misleading. */
export function checkFlowrouteContent(raw: string): NameCheck {
  return checkWithRules(raw, CONTENT);
}

/** All Flowroute rules: format then content. */
export function checkFlowrouteName(raw: string): NameCheck {
  return checkWithRules(raw, [...FORMAT, ...CONTENT]);
}
