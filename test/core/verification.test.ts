/** Reading a CNAM dip the way carriers store names, and the dip schedule that bounds what Lookup bills. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carrierForm, classifyDip, dipOffsets } from '../../src/core/verification';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const dip = (callerName: string | null, callerType: string | null = 'BUSINESS', errorCode: number | null = null) => ({
  callerName,
  callerType,
  errorCode,
});

test('our name matches as carriers keep it: upper case, 15 characters, punctuation aside', () => {
  assert.equal(carrierForm("Bob's Law Office, LLC"), 'BOBS LAW OFFIC');
  assert.equal(classifyDip(dip('ACME PLUMBING'), 'Acme Plumbing'), 'match');
  assert.equal(classifyDip(dip('PACIFIC NORTHWE'), 'Pacific Northwest Dental'), 'match');
  assert.equal(classifyDip(dip('ACME PLUMBING.'), 'Acme Plumbing'), 'match');
});

test("the carrier's default (the rate centre) never counts as success", () => {
  assert.equal(classifyDip(dip('PALM DESERT', null), 'Acme Plumbing'), 'default');
  assert.equal(classifyDip(dip('SEATTLE WA', 'BUSINESS'), 'Acme Plumbing', 'Seattle WA'), 'default');
});

test("someone else's name, no name, and Lookup's error codes are told apart", () => {
  assert.equal(classifyDip(dip('PIZZA PALACE'), 'Acme Plumbing'), 'other');
  assert.equal(classifyDip(dip(null, null), 'Acme Plumbing'), 'no-data');
  assert.equal(classifyDip(dip('  ', null), 'Acme Plumbing'), 'no-data');
  assert.equal(classifyDip(dip(null, null, 60608), 'Acme Plumbing'), 'error');
});

test('dips at once, after 6 h, after 24 h, then daily to the bound: nine for the default 7 days', () => {
  assert.deepEqual(dipOffsets(7 * DAY), [0, 6 * HOUR, DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 6 * DAY, 7 * DAY]);
  assert.deepEqual(dipOffsets(3 * HOUR), [0, 3 * HOUR]);
  assert.deepEqual(dipOffsets(36 * HOUR), [0, 6 * HOUR, DAY, 36 * HOUR]);
  assert.deepEqual(dipOffsets(0), []);
});
