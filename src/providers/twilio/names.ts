/** Twilio's rules for a `cnam_display_name`, including prohibited terms and bare city or state names. */
import {
  allowedCharacters,
  canonical,
  checkWithRules,
  maxLength,
  noProfanity,
  notMisleading,
  notPhoneNumber,
  q,
  required,
  violation,
  type NameCheck,
  type RuleCheck,
} from '../../core/names';
import { US_LARGEST_CITIES, US_STATES } from '../../core/name-lists';

const startsWithLetter: RuleCheck = (name) =>
  /^[A-Za-z]/.test(name)
    ? undefined
    : violation(
        'starts-with-letter',
        `Twilio names must start with a letter (A-Z); ${q(name)} starts with ${q([...name][0] ?? '')}.`,
      );

const characters = allowedCharacters(
  /[A-Za-z0-9., ]/,
  'Twilio names may contain only letters A-Z, digits, periods, commas and spaces',
);

const GENERIC = new Set([...US_STATES, ...US_LARGEST_CITIES].map(canonical));
const notGeneric: RuleCheck = (name) =>
  GENERIC.has(canonical(name))
    ? violation('not-generic', `Twilio names must be distinctive, not a bare US city or state name; ${q(name)} is one.`)
    : undefined;

const RULES = [
  required,
  maxLength,
  startsWithLetter,
  characters,
  notPhoneNumber,
  noProfanity,
  notMisleading,
  notGeneric,
];

/** All Twilio rules for a cnam_display_name. */
export function checkTwilioName(raw: string): NameCheck {
  return checkWithRules(raw, RULES);
}
