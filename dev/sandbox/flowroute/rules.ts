/**
 * Flowroute's CNAM storage rules as its CNAM documentation states them, kept apart from the product's own
 * name rules so that tests against the emulator compare the product with Flowroute's documented behaviour,
 * not with itself. The documentation gives the format (up to 15 characters, at least one letter, letters,
 * digits, spaces and - _ . , @ + & ' / ") and what review rejects (curse words or inappropriate content,
 * a phone number, misleading names: political figures or places, fake officials such as "Seattle Police").
 * The term lists are small samples, enough for a sandbox, not a moderation service.
 */

const MAX_LENGTH = 15;
const ALLOWED_CHARACTER = /[A-Za-z0-9 \-_.,@+&'/"]/;

/** Curse words, matched as whole words; real names that merely contain one ("Scunthorpe") pass. */
const CURSE_WORDS = [
  'fuck',
  'fucker',
  'fucking',
  'fucked',
  'motherfucker',
  'shit',
  'shitty',
  'bullshit',
  'bitch',
  'bitches',
  'bastard',
  'asshole',
  'cunt',
  'whore',
  'slut',
  'twat',
  'wanker',
];

/** Misleading terms: the documentation's examples (Obama, Barack, The White House, Seattle Police) and their kin. */
const MISLEADING_TERMS = [
  // Political figures and offices
  'obama',
  'barack',
  'biden',
  'trump',
  'pelosi',
  'kamala',
  'president',
  'senator',
  'congressman',
  'congresswoman',
  'governor',
  // Political places
  'white house',
  'oval office',
  'capitol building',
  'pentagon',
  'kremlin',
  'downing street',
  // Officials and public services a caller could pretend to be
  'police',
  'sheriff',
  'state trooper',
  'fbi',
  'cia',
  'irs',
  'government',
  'govt',
  'federal agent',
  'us marshal',
  'homeland security',
  'secret service',
  'border patrol',
  'social security',
  'medicare',
  'medicaid',
  'supreme court',
];

/** `rejection_reason` texts: Flowroute documents why it rejects, not the wording, so these words are the sandbox's. */
const REJECTION_REASONS = {
  phoneNumber: 'CNAM appears to be a phone number',
  inappropriate: 'Inappropriate content',
  misleading: 'Misleading CNAM',
} as const;

export type FormatCheck = { ok: true; value: string } | { ok: false; problems: string[] };

const quote = (text: string): string => JSON.stringify(text);

/**
 * Flowroute's documentation warns that smart quotes "are known to cause errors" without saying which; the
 * sandbox straightens them (and trims and collapses spaces) so a name pasted from a word processor still works.
 */
function normalize(raw: string): string {
  return raw
    .replace(/[\u2018\u2019\u201A\u201B\u2032]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F\u2033]/g, '"')
    .trim()
    .replace(/\s+/g, ' ');
}

/** The storage rules checked when a record is created or changed; on success, the value as stored (upper-cased). */
export function checkFormat(raw: string): FormatCheck {
  const name = normalize(raw);
  // An empty name breaks the other rules too; saying it is empty is enough.
  if (name === '') return { ok: false, problems: ['A name is required; the value is empty.'] };
  const problems: string[] = [];
  const length = [...name].length;
  if (length > MAX_LENGTH) problems.push(`Names are at most ${MAX_LENGTH} characters; ${quote(name)} has ${length}.`);
  if (!/[A-Za-z]/.test(name)) problems.push(`Names need at least one letter (A-Z); ${quote(name)} has none.`);
  const bad = [...new Set([...name].filter((c) => !ALLOWED_CHARACTER.test(c)))];
  if (bad.length > 0) {
    const found = bad.map(quote).join(', ');
    const allowed = `letters A-Z, digits, spaces and - _ . , @ + & ' / "`;
    problems.push(`Names may contain only ${allowed}; ${quote(name)} has ${found}.`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: name.toUpperCase() };
}

// Lower-case words separated by single spaces; dots are dropped so "F.B.I." reads as "fbi".
function words(text: string): string {
  return text
    .toLowerCase()
    .replace(/\./g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// The terms hold only [a-z ], so they need no escaping; a plural "s" is allowed ("bitches" needs its own entry).
function wholeWords(terms: string[]): RegExp {
  return new RegExp(`(?:^| )(?:${terms.join('|')})s?(?= |$)`);
}

const CURSING = wholeWords(CURSE_WORDS);
const MISLEADING = wholeWords(MISLEADING_TERMS);

/** Seven digits or more (a local number without area code has seven) making up most of the name, separators aside. */
function looksLikePhoneNumber(name: string): boolean {
  const compact = name.replace(/[()\-.+ ]/g, '');
  const digits = compact.replace(/\D/g, '').length;
  return digits >= 7 && digits * 2 > compact.length;
}

/** What review holds against a name that passed the storage rules: the rejection reason, or undefined to approve. */
export function contentRejection(value: string): string | undefined {
  const name = normalize(value);
  if (looksLikePhoneNumber(name)) return REJECTION_REASONS.phoneNumber;
  if (CURSING.test(words(name))) return REJECTION_REASONS.inappropriate;
  if (MISLEADING.test(words(name))) return REJECTION_REASONS.misleading;
  return undefined;
}
