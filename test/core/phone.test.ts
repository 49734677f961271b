import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeUsLongCode, type PhoneRule } from '../../src/core/phone';

test('normalizeUsLongCode accepts US local long codes in common spellings', () => {
  const cases: Array<[raw: string, e164: string, national: string]> = [
    ['2065550100', '+12065550100', '(206) 555-0100'],
    ['12065550100', '+12065550100', '(206) 555-0100'],
    ['+1 (206) 555-0100', '+12065550100', '(206) 555-0100'],
    ['206.555.0100', '+12065550100', '(206) 555-0100'],
    ['  +1-206-555-0100  ', '+12065550100', '(206) 555-0100'],
    ['+12065551234', '+12065551234', '(206) 555-1234'],
    ['(212) 555-0199', '+12125550199', '(212) 555-0199'],
    ['+1 808 555 0100', '+18085550100', '(808) 555-0100'],
    ['+1 907 555 0100', '+19075550100', '(907) 555-0100'],
  ];
  for (const [raw, e164, national] of cases) {
    assert.deepEqual(normalizeUsLongCode(raw), { ok: true, e164, national }, raw);
  }
});

test('normalizeUsLongCode refuses non-US, toll-free and invalid numbers with the rule that failed', () => {
  const cases: Array<[raw: string, rule: PhoneRule, why: string]> = [
    ['', 'required', 'empty'],
    ['   ', 'required', 'blank'],
    ['not a number', 'parse', 'no digits'],
    ['+1', 'parse', 'too short to parse'],
    ['+1 800 555 0100', 'not-toll-free', '800'],
    ['18335550100', 'not-toll-free', '833'],
    ['844-555-0100', 'not-toll-free', '844'],
    ['+1 855 555 0100', 'not-toll-free', '855'],
    ['+1 866 555 0100', 'not-toll-free', '866'],
    ['+1 877 555 0100', 'not-toll-free', '877'],
    ['+1 888 555 0100', 'not-toll-free', '888'],
    ['+1 416 555 0100', 'us-only', 'Toronto, Canada'],
    ['6045550100', 'us-only', 'Vancouver, Canada, without +1'],
    ['+1 787 555 0100', 'us-only', 'Puerto Rico is its own NANP region'],
    ['+1 876 555 0100', 'us-only', 'Jamaica'],
    ['+1 242 555 0100', 'us-only', 'Bahamas'],
    ['+44 20 7946 0958', 'us-only', 'United Kingdom'],
    ['+2065550100', 'us-only', 'a stray + makes 20 the country code (Egypt)'],
    ['206555010', 'valid-number', 'nine digits'],
    ['+1 206 555 01000', 'valid-number', 'eleven national digits'],
    ['+1 555 555 0100', 'valid-number', 'area code 555 does not exist'],
    ['+1 123 456 7890', 'valid-number', 'area codes never start with 1'],
    ['+1 206 123 4567', 'valid-number', 'exchanges never start with 1'],
    ['+1 900 555 0100', 'valid-number', 'premium rate, not a local long code'],
    ['+1 500 555 0100', 'valid-number', 'personal number, not a local long code'],
    ['206 555 0100 ext. 3', 'valid-number', 'an extension'],
    ['+1 206 555 9281 ext', 'parse', 'trailing text that libphonenumber would drop'],
    ['+1 206 555 9281 office', 'parse', 'a word after the number'],
    ['call 206 555 0100', 'parse', 'a word before the number'],
  ];
  for (const [raw, rule, why] of cases) {
    const check = normalizeUsLongCode(raw);
    assert.equal(check.ok, false, `${raw}: ${why}`);
    if (!check.ok) {
      assert.equal(check.rule, rule, `${raw}: ${why}; message: ${check.message}`);
      assert.match(check.message, /^\S.*\.$/, 'message is a sentence');
    }
  }
});

test('toll-free refusal explains what to use instead', () => {
  assert.deepEqual(normalizeUsLongCode('+1 800 555 0100'), {
    ok: false,
    rule: 'not-toll-free',
    message: 'Toll-free numbers (+1 800 ...) cannot carry a CNAM; use a US local long code.',
  });
});
