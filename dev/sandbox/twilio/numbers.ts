/** What kind of number an E.164 string is, for the CNAM eligibility rule. */
export type NumberKind = 'us-local' | 'toll-free' | 'canada' | 'other';

const TOLL_FREE_NPAS = new Set(['800', '833', '844', '855', '866', '877', '888']);

// Canadian area codes (CNAM is refused for CA numbers).
const CANADA_NPAS = new Set([
  '204',
  '226',
  '236',
  '249',
  '250',
  '257',
  '263',
  '289',
  '306',
  '343',
  '354',
  '365',
  '367',
  '368',
  '382',
  '387',
  '403',
  '416',
  '418',
  '428',
  '431',
  '437',
  '438',
  '450',
  '460',
  '468',
  '474',
  '506',
  '514',
  '519',
  '548',
  '579',
  '581',
  '584',
  '587',
  '600',
  '604',
  '613',
  '639',
  '647',
  '672',
  '683',
  '705',
  '709',
  '742',
  '753',
  '778',
  '780',
  '782',
  '807',
  '819',
  '825',
  '867',
  '873',
  '879',
  '902',
  '905',
  '942',
]);

// NANP area codes outside the US (Caribbean members); US territories stay US.
const OTHER_NANP_NPAS = new Set([
  '242',
  '246',
  '264',
  '268',
  '284',
  '345',
  '441',
  '473',
  '649',
  '658',
  '664',
  '721',
  '758',
  '767',
  '784',
  '809',
  '829',
  '849',
  '868',
  '869',
  '876',
]);

/** Classifies an E.164 number: only `us-local` may carry a Twilio CNAM. */
export function classifyNumber(e164: string): NumberKind {
  const m = /^\+1(\d{3})\d{7}$/.exec(e164);
  if (!m || m[1] === undefined) return 'other';
  const npa = m[1];
  if (TOLL_FREE_NPAS.has(npa)) return 'toll-free';
  if (CANADA_NPAS.has(npa)) return 'canada';
  if (OTHER_NANP_NPAS.has(npa)) return 'other';
  return 'us-local';
}

/** Twilio's default friendly name for a NANP number, e.g. `(206) 555-0100`. */
export function formatFriendlyName(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/**
 * The 2010 `PhoneNumber` filter. Twilio says only that it takes partial numbers and `*` as a wildcard for any
 * digit, so: digits and `*` (any one digit) found anywhere in the number's digits, so a partial number matches
 * as a substring; a leading `+` anchors it at the start, so a whole E.164 number matches only itself.
 * Formatting characters are ignored; anything else matches nothing.
 */
export function matchesPhoneFilter(e164: string, filter: string): boolean {
  const anchored = filter.startsWith('+');
  const rest = anchored ? filter.slice(1) : filter;
  if (!/^[\d*\s().-]+$/.test(rest)) return false;
  const pattern = rest.replace(/[\s().-]/g, '').replace(/\*/g, '\\d');
  if (pattern === '') return false;
  return new RegExp(`${anchored ? '^' : ''}${pattern}`).test(e164.replace(/^\+/, ''));
}
