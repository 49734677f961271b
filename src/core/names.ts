// Display-name (CNAM) rules for Flowroute and Twilio, checked before any API call
// and by the provider sandboxes. Pure: no I/O, safe in the Temporal workflow sandbox.
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { MISLEADING_TERMS, PROFANITY_ALLOWLIST, US_LARGEST_CITIES, US_STATES } from './name-lists';

export type Provider = 'flowroute' | 'twilio';
export const PROVIDERS: readonly Provider[] = ['flowroute', 'twilio'];

export type NameRule =
  | 'required'
  | 'max-length'
  | 'needs-letter'
  | 'allowed-characters'
  | 'starts-with-letter'
  | 'not-phone-number'
  | 'no-profanity'
  | 'not-misleading'
  | 'not-generic';

export interface NameRuleViolation {
  rule: NameRule;
  message: string;
}

export interface NameCheck {
  ok: boolean;
  normalized: string;
  violations: NameRuleViolation[];
}

const MAX_LENGTH = 15;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032]/g; // ‘ ’ ‚ ‛ ′
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g; // “ ” „ ‟ ″
const FLOWROUTE_CHAR = /[A-Za-z0-9 \-_.,@+&'/"]/;
const TWILIO_CHAR = /[A-Za-z0-9., ]/;

/** Straightens smart quotes, trims, and collapses inner whitespace to one space. Keeps case. */
export function normalizeName(raw: string): string {
  return raw.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').trim().replace(/\s+/g, ' ');
}

// Lower-case words separated by single spaces; dots are dropped so "F.B.I." reads as "fbi".
function canonical(text: string): string {
  return text.toLowerCase().replace(/\./g, '').replace(/[^a-z0-9]+/g, ' ').trim();
}

// Canonical terms hold only [a-z0-9 ], so they need no regex escaping; an optional plural "s" is allowed.
const MISLEADING = new RegExp(`(?:^| )(${MISLEADING_TERMS.map(canonical).join('|')})s?(?= |$)`);
const GENERIC = new Set([...US_STATES, ...US_LARGEST_CITIES].map(canonical));

// Built on first use: compiling the English dataset is the costliest step in this module.
let profanity: RegExpMatcher | undefined;
function profanityMatcher(): RegExpMatcher {
  if (!profanity) {
    const dataset = englishDataset.build();
    profanity = new RegExpMatcher({
      ...dataset,
      whitelistedTerms: [...(dataset.whitelistedTerms ?? []), ...PROFANITY_ALLOWLIST],
      ...englishRecommendedTransformers,
    });
  }
  return profanity;
}

type RuleCheck = (name: string) => NameRuleViolation | undefined;
const q = (text: string): string => JSON.stringify(text);
const violation = (rule: NameRule, message: string): NameRuleViolation => ({ rule, message });

const required: RuleCheck = (name) =>
  name === '' ? violation('required', 'A name is required; the value is empty.') : undefined;

const maxLength: RuleCheck = (name) => {
  const length = [...name].length;
  return length > MAX_LENGTH
    ? violation('max-length', `Names are at most ${MAX_LENGTH} characters; ${q(name)} has ${length}.`)
    : undefined;
};

const needsLetter: RuleCheck = (name) =>
  /[A-Za-z]/.test(name) ? undefined : violation('needs-letter', `Names need at least one letter (A-Z); ${q(name)} has none.`);

const startsWithLetter: RuleCheck = (name) =>
  /^[A-Za-z]/.test(name)
    ? undefined
    : violation('starts-with-letter', `Twilio names must start with a letter (A-Z); ${q(name)} starts with ${q([...name][0] ?? '')}.`);

function allowedCharacters(allowed: RegExp, description: string): RuleCheck {
  return (name) => {
    const bad = [...new Set([...name].filter((c) => !allowed.test(c)))];
    return bad.length === 0
      ? undefined
      : violation('allowed-characters', `${description}; ${q(name)} has ${bad.map(q).join(', ')}.`);
  };
}
const flowrouteCharacters = allowedCharacters(FLOWROUTE_CHAR, `Names may contain only letters A-Z, digits, spaces and - _ . , @ + & ' / "`);
const twilioCharacters = allowedCharacters(TWILIO_CHAR, 'Twilio names may contain only letters A-Z, digits, periods, commas and spaces');

// A phone number once separators are dropped: 7+ digits making up most of what is left.
const notPhoneNumber: RuleCheck = (name) => {
  const compact = name.replace(/[()\-.+ ]/g, '');
  const digits = compact.replace(/\D/g, '').length;
  return digits >= 7 && digits * 2 > compact.length
    ? violation('not-phone-number', `Names must be a name, not a phone number; ${q(name)} looks like one.`)
    : undefined;
};

const noProfanity: RuleCheck = (name) =>
  profanityMatcher().hasMatch(name)
    ? violation('no-profanity', `Names must not contain profanity or inappropriate words; ${q(name)} does.`)
    : undefined;

const notMisleading: RuleCheck = (name) => {
  const term = MISLEADING.exec(canonical(name))?.[1];
  return term === undefined
    ? undefined
    : violation('not-misleading', `Names must not be misleading (political figures or places, fake officials); ${q(name)} contains ${q(term)}.`);
};

const notGeneric: RuleCheck = (name) =>
  GENERIC.has(canonical(name))
    ? violation('not-generic', `Twilio names must be distinctive, not a bare US city or state name; ${q(name)} is one.`)
    : undefined;

const FLOWROUTE_FORMAT = [required, maxLength, needsLetter, flowrouteCharacters];
const FLOWROUTE_CONTENT = [notPhoneNumber, noProfanity, notMisleading];
const TWILIO = [required, maxLength, startsWithLetter, twilioCharacters, notPhoneNumber, noProfanity, notMisleading, notGeneric];

function run(raw: string, rules: readonly RuleCheck[]): NameCheck {
  const normalized = normalizeName(raw);
  const missing = rules.includes(required) ? required(normalized) : undefined;
  // An empty name trivially breaks the other rules too; "required" alone says what is wrong.
  const violations = missing
    ? [missing]
    : rules.map((rule) => rule(normalized)).filter((v): v is NameRuleViolation => v !== undefined);
  return { ok: violations.length === 0, normalized, violations };
}

/** Flowroute storage rules checked synchronously at create: required, max-length, needs-letter, allowed-characters. */
export function checkFlowrouteFormat(raw: string): NameCheck {
  return run(raw, FLOWROUTE_FORMAT);
}

/** Flowroute content rules judged at review: not-phone-number, no-profanity, not-misleading. */
export function checkFlowrouteContent(raw: string): NameCheck {
  return run(raw, FLOWROUTE_CONTENT);
}

/** All Flowroute rules: format then content. */
export function checkFlowrouteName(raw: string): NameCheck {
  return run(raw, [...FLOWROUTE_FORMAT, ...FLOWROUTE_CONTENT]);
}

/** All Twilio rules for a cnam_display_name, including prohibited terms and generic city/state names. */
export function checkTwilioName(raw: string): NameCheck {
  return run(raw, TWILIO);
}

/** All rules of the given provider. */
export function checkName(raw: string, provider: Provider): NameCheck {
  switch (provider) {
    case 'flowroute':
      return checkFlowrouteName(raw);
    case 'twilio':
      return checkTwilioName(raw);
  }
}

/** The violation messages joined into one line for an error; empty when the name passed. */
export function describeViolations(check: NameCheck): string {
  return check.violations.map((v) => v.message).join(' ');
}
