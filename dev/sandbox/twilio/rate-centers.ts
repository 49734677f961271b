/**
 * What a CNAM dip answers for a US number with no registered name: typically its rate centre, e.g. "PALM DESERT"
 * (see PROVIDERS.md). A few area codes, enough for the sandboxes' default numbers and some familiar ones; the
 * rest answer UNKNOWN. Kept within CNAM's 15 characters.
 */
const RATE_CENTERS: Record<string, string> = {
  '206': 'SEATTLE WA',
  '212': 'NEW YORK NY',
  '202': 'WASHINGTON DC',
  '213': 'LOS ANGELES CA',
  '305': 'MIAMI FL',
  '310': 'LOS ANGELES CA',
  '312': 'CHICAGO IL',
  '415': 'SAN FRANCISCO',
  '503': 'PORTLAND OR',
  '512': 'AUSTIN TX',
  '617': 'BOSTON MA',
  '650': 'PALO ALTO CA',
  '720': 'DENVER CO',
  '760': 'PALM DESERT CA',
};

/** Toll-free numbers have no rate centre. */
const TOLL_FREE = new Set(['800', '833', '844', '855', '866', '877', '888']);

/** The rate centre a dip answers for a +1 number without a registered name. */
export function rateCenterOf(e164: string): string {
  const npa = /^\+1(\d{3})\d{7}$/.exec(e164)?.[1] ?? '';
  if (TOLL_FREE.has(npa)) return 'TOLL FREE CALL';
  return RATE_CENTERS[npa] ?? 'UNKNOWN';
}
