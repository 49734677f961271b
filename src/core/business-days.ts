// US business-day arithmetic for Flowroute's 5-7 business day CNAM association wait.
// Pure: no clock reads, safe in the Temporal workflow sandbox.
//
// Days are judged on the UTC calendar date: workflow time and Temporal timers are UTC instants,
// and a fixed zone keeps results identical on every worker whatever its TZ. Near midnight UTC
// this can differ by a day from US local time, which is noise next to a 5-7 day estimate.
import { isAHoliday } from '@18f/us-federal-holidays';

const DAY_MS = 24 * 60 * 60 * 1000;

function assertValidDate(date: Date): void {
  if (Number.isNaN(date.getTime())) throw new RangeError('Expected a valid Date.');
}

/** True on Monday-Friday (UTC calendar date) unless it is a federal holiday as observed (e.g. Saturday's on Friday). */
export function isUsBusinessDay(date: Date): boolean {
  assertValidDate(date);
  const weekday = date.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isAHoliday(date, { utc: true });
}

/**
 * The instant `businessDays` US business days after `from`, at the same UTC time of day.
 * A `from` on a weekend or holiday first moves to the next business day, so Sat + 0 is Monday
 * and Sat + 1 is Tuesday.
 */
export function addUsBusinessDays(from: Date, businessDays: number): Date {
  assertValidDate(from);
  if (!Number.isSafeInteger(businessDays) || businessDays < 0) {
    throw new RangeError(`businessDays must be a non-negative integer; got ${businessDays}.`);
  }
  let time = from.getTime();
  while (!isUsBusinessDay(new Date(time))) time += DAY_MS;
  for (let left = businessDays; left > 0; ) {
    time += DAY_MS;
    if (isUsBusinessDay(new Date(time))) left -= 1;
  }
  return new Date(time);
}
