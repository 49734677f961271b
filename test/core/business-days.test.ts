import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addUsBusinessDays, isUsBusinessDay } from '../../src/core/business-days';

const at = (iso: string): Date => new Date(iso);

test('isUsBusinessDay: weekdays, weekends and observed federal holidays', () => {
  const cases: Array<[iso: string, expected: boolean, why: string]> = [
    ['2026-11-25T10:00:00Z', true, 'Wednesday before Thanksgiving'],
    ['2026-11-26T10:00:00Z', false, 'Thanksgiving 2026'],
    ['2026-11-27T10:00:00Z', true, 'Friday after Thanksgiving is not a federal holiday'],
    ['2026-11-28T10:00:00Z', false, 'Saturday'],
    ['2026-11-29T10:00:00Z', false, 'Sunday'],
    ['2026-12-25T10:00:00Z', false, 'Christmas 2026 (Friday)'],
    ['2027-01-01T10:00:00Z', false, "New Year's Day 2027 (Friday)"],
    ['2026-06-19T10:00:00Z', false, 'Juneteenth 2026 (Friday)'],
    ['2027-06-18T10:00:00Z', false, 'Juneteenth 2027 falls on Saturday, observed Friday'],
    ['2026-07-03T10:00:00Z', false, 'July 4 2026 falls on Saturday, observed Friday Jul 3'],
    ['2026-07-06T10:00:00Z', true, 'Monday after July 4 2026 is a normal day'],
    ['2027-12-31T10:00:00Z', false, "New Year's Day 2028 (Saturday) observed Friday Dec 31 2027"],
    ['2026-01-19T10:00:00Z', false, 'Martin Luther King Jr. Day'],
    ['2026-11-11T10:00:00Z', false, 'Veterans Day (Wednesday)'],
    ['2026-03-11T10:00:00Z', true, 'ordinary Wednesday'],
    ['2026-11-25T23:59:59.999Z', true, 'last instant of a UTC business day'],
    ['2026-11-26T00:00:00Z', false, 'first instant of the UTC holiday'],
  ];
  for (const [iso, expected, why] of cases) {
    assert.equal(isUsBusinessDay(at(iso)), expected, `${iso}: ${why}`);
  }
});

test('addUsBusinessDays: skips weekends and holidays, keeps the UTC time of day', () => {
  const cases: Array<[from: string, days: number, expected: string, why: string]> = [
    ['2026-11-25T10:00:00Z', 1, '2026-11-27T10:00:00Z', 'Thanksgiving Thursday skipped'],
    ['2026-11-23T10:00:00Z', 7, '2026-12-03T10:00:00Z', '7 business days across Thanksgiving and a weekend'],
    ['2026-03-02T10:00:00Z', 7, '2026-03-11T10:00:00Z', '7 business days over a weekend'],
    ['2026-03-02T10:00:00Z', 5, '2026-03-09T10:00:00Z', '5 business days over a weekend'],
    ['2026-12-24T15:30:00Z', 1, '2026-12-28T15:30:00Z', 'Christmas Friday and weekend skipped'],
    ['2026-12-31T08:00:00Z', 1, '2027-01-04T08:00:00Z', "New Year's Day 2027 and weekend skipped"],
    ['2026-07-02T12:00:00Z', 1, '2026-07-06T12:00:00Z', 'July 4 observed on Friday Jul 3'],
    ['2026-06-18T12:00:00Z', 1, '2026-06-22T12:00:00Z', 'Juneteenth Friday skipped'],
    ['2026-11-25T23:30:00Z', 1, '2026-11-27T23:30:00Z', 'late UTC evening stays on UTC dates'],
    ['2026-03-04T09:15:00Z', 0, '2026-03-04T09:15:00Z', 'zero days from a business day is the same instant'],
    ['2026-11-28T10:00:00Z', 0, '2026-11-30T10:00:00Z', 'a Saturday start moves to Monday'],
    ['2026-11-28T10:00:00Z', 1, '2026-12-01T10:00:00Z', 'a Saturday start counts from Monday'],
    ['2026-11-26T10:00:00Z', 1, '2026-11-30T10:00:00Z', 'a holiday start counts from the next business day'],
  ];
  for (const [from, days, expected, why] of cases) {
    assert.equal(
      addUsBusinessDays(at(from), days).toISOString(),
      new Date(expected).toISOString(),
      `${from} + ${days}: ${why}`,
    );
  }
});

test('addUsBusinessDays does not mutate its input', () => {
  const from = at('2026-11-25T10:00:00Z');
  addUsBusinessDays(from, 3);
  assert.equal(from.toISOString(), '2026-11-25T10:00:00.000Z');
});

test('addUsBusinessDays rejects bad arguments', () => {
  const from = at('2026-11-25T10:00:00Z');
  for (const days of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(() => addUsBusinessDays(from, days), RangeError, `businessDays ${days}`);
  }
  assert.throws(() => addUsBusinessDays(new Date('not a date'), 1), RangeError);
  assert.throws(() => isUsBusinessDay(new Date(Number.NaN)), RangeError);
});
