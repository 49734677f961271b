/**
 * The name-rule engine: normalisation and the rules CNAM display names are judged by. Each provider
 * composes its own rule set from these (src/providers/<p>/names.ts). Checked in the CLI, the API and
 * the workflow's first activity, never in workflow code: the profanity data changes between releases.
 */
import { RegExpMatcher, englishDataset, englishRecommendedTransformers } from 'obscenity';
import { MISLEADING_TERMS, PROFANITY_ALLOWLIST } from './name-lists';

/** A rule's id as reported to users, e.g. 'max-length' or 'no-profanity'. */
export type NameRule = string;

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

/** Straightens smart quotes, trims, and collapses inner whitespace to one space. Keeps case. */
export function normalizeName(raw: string): string {
  return raw.replace(SINGLE_QUOTES, "'").replace(DOUBLE_QUOTES, '"').trim().replace(/\s+/g, ' ');
}

// Lower-case words separated by single spaces; dots are dropped so "F.B.I." reads as "fbi".
export function canonical(text: string): string {
  return text
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// Canonical terms hold only [a-z0-9 ], so they need no regex escaping; an optional plural "s" is allowed.
const MISLEADING = new RegExp(`(?:^| )(${MISLEADING_TERMS.map(canonical).join('|')})s?(?= |$)`);

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

/** One rule: a violation, or undefined when the (normalised) name passes. */
export type RuleCheck = (name: string) => NameRuleViolation | undefined;
/** A value quoted for a message. */
export const q = (text: string): string => JSON.stringify(text);
export const violation = (rule: NameRule, message: string): NameRuleViolation => ({ rule, message });

export const required: RuleCheck = (name) =>
  name === '' ? violation('required', 'A name is required; the value is empty.') : undefined;

export const maxLength: RuleCheck = (name) => {
  const length = [...name].length;
  return length > MAX_LENGTH
    ? violation('max-length', `Names are at most ${MAX_LENGTH} characters; ${q(name)} has ${length}.`)
    : undefined;
};

export const needsLetter: RuleCheck = (name) =>
  /[A-Za-z]/.test(name)
    ? undefined
    : violation('needs-letter', `Names need at least one letter (A-Z); ${q(name)} has none.`);

/** Only characters `allowed` matches; `description` says which, for the message. */
export function allowedCharacters(allowed: RegExp, description: string): RuleCheck {
  return (name) => {
    const bad = [...new Set([...name].filter((c) => !allowed.test(c)))];
    return bad.length === 0
      ? undefined
      : violation('allowed-characters', `${description}; ${q(name)} has ${bad.map(q).join(', ')}.`);
  };
}
// A phone number once separators are dropped: 7+ digits making up most of what is left.
export const notPhoneNumber: RuleCheck = (name) => {
  const compact = name.replace(/[()\-.+ ]/g, '');
  const digits = compact.replace(/\D/g, '').length;
  return digits >= 7 && digits * 2 > compact.length
    ? violation('not-phone-number', `Names must be a name, not a phone number; ${q(name)} looks like one.`)
    : undefined;
};

export const noProfanity: RuleCheck = (name) =>
  profanityMatcher().hasMatch(name)
    ? violation('no-profanity', `Names must not contain profanity or inappropriate words; ${q(name)} does.`)
    : undefined;

export const notMisleading: RuleCheck = (name) => {
  const term = MISLEADING.exec(canonical(name))?.[1];
  return term === undefined
    ? undefined
    : violation(
        'not-misleading',
        `Names must not be misleading (political figures or places, fake officials); ${q(name)} contains ${q(term)}.`,
      );
};

/** Normalises `raw`, then applies `rules` in order; an empty name reports only "required". */
export function checkWithRules(raw: string, rules: readonly RuleCheck[]): NameCheck {
  const normalized = normalizeName(raw);
  const missing = rules.includes(required) ? required(normalized) : undefined;
  // An empty name trivially breaks the other rules too; "required" alone says what is wrong.
  const violations = missing
    ? [missing]
    : rules.map((rule) => rule(normalized)).filter((v): v is NameRuleViolation => v !== undefined);
  return { ok: violations.length === 0, normalized, violations };
}

/** The violation messages joined into one line for an error; empty when the name passed. */
export function describeViolations(check: NameCheck): string {
  return check.violations.map((v) => v.message).join(' ');
}
