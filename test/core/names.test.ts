import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeViolations, normalizeName, type NameCheck, type NameRule } from '../../src/core/names';
import { checkFlowrouteContent, checkFlowrouteFormat, checkFlowrouteName } from '../../src/providers/flowroute/names';
import { checkTwilioName } from '../../src/providers/twilio/names';
import { PROVIDERS, providerById } from '../../src/providers';

const checkName = (raw: string, provider: string): NameCheck => providerById(provider)!.checkName(raw);

const rules = (check: NameCheck): NameRule[] => check.violations.map((v) => v.rule);

test('normalizeName straightens smart quotes, trims and collapses whitespace, keeping case', () => {
  const cases: Array<[raw: string, expected: string]> = [
    ['Bob\u2019s Caf\u00e9', "Bob's Caf\u00e9"],
    ['\u2018A\u2019 \u201aB\u201b \u2032C\u2032', "'A' 'B' 'C'"],
    ['\u201CBig\u201D \u201ESmall\u201F \u2033X\u2033', '"Big" "Small" "X"'],
    ['  Bob   Law  ', 'Bob Law'],
    ['Bob\t\n Law', 'Bob Law'],
    ['Bob\u00a0Law', 'Bob Law'],
    ['acme Plumbing', 'acme Plumbing'],
    ['   ', ''],
  ];
  for (const [raw, expected] of cases) assert.equal(normalizeName(raw), expected, JSON.stringify(raw));
});

test('Flowroute: names that pass every rule', () => {
  const names = [
    'Bob Law',
    'Pacific Dental',
    'Regence Inc',
    'ACME PLUMBING',
    "Bob's Cafe",
    'A-1 Auto',
    'J&J Co.',
    'a_b@c+d/e"f\'g',
    '  Bob  Law  ',
  ];
  // Near misses: not whole misleading words, and real names obscenity's preset would flag.
  names.push('Policeman Bob', 'Courtney Smith', 'Dickens Dental', 'Fagan Law', 'Cumming Dental');
  for (const name of names) {
    const check = checkFlowrouteName(name);
    assert.deepEqual(check.violations, [], `${name}: ${describeViolations(check)}`);
  }
});

test('Flowroute: each broken rule is reported, and all of them at once', () => {
  const cases: Array<[raw: string, expected: NameRule[]]> = [
    ['', ['required']],
    ['   ', ['required']],
    ['1234', ['needs-letter']],
    ['ACME PLUMBING CO', ['max-length']], // 16 characters
    ['ACME PLUMBING SERVICES', ['max-length']],
    ['Bob\u2019s Caf\u00e9', ['allowed-characters']],
    ['Bob #1', ['allowed-characters']],
    ['2065551234', ['needs-letter', 'not-phone-number']],
    ['(206) 555-1234', ['needs-letter', 'allowed-characters', 'not-phone-number']],
    ['206-555-1234', ['needs-letter', 'not-phone-number']],
    ['+1 206 555 1234', ['needs-letter', 'not-phone-number']],
    ['+1 (206) 555-1234', ['max-length', 'needs-letter', 'allowed-characters', 'not-phone-number']],
    ['Call 2065551234', ['not-phone-number']],
    ['Seattle Police', ['not-misleading']],
    ['Obama', ['not-misleading']],
    ['Barack', ['not-misleading']],
    ['The White House', ['not-misleading']],
    ['F.B.I. Tips', ['not-misleading']],
    ["Obama's Pizza", ['not-misleading']],
    ['US Marshals', ['not-misleading']],
    ['911 Help', ['not-misleading']],
    ['Fuck Inc', ['no-profanity']],
    ['Sh1t Co', ['no-profanity']],
    [
      'Police Sh1t \u00e9 2065551234',
      ['max-length', 'allowed-characters', 'not-phone-number', 'no-profanity', 'not-misleading'],
    ],
  ];
  for (const [raw, expected] of cases) {
    assert.deepEqual(rules(checkFlowrouteName(raw)), expected, JSON.stringify(raw));
  }
});

test('Flowroute: format rules run at create, content rules at review', () => {
  assert.deepEqual(rules(checkFlowrouteFormat('Seattle Police')), []);
  assert.deepEqual(rules(checkFlowrouteContent('Seattle Police')), ['not-misleading']);
  assert.deepEqual(rules(checkFlowrouteFormat('2065551234')), ['needs-letter']);
  assert.deepEqual(rules(checkFlowrouteContent('2065551234')), ['not-phone-number']);
  assert.deepEqual(rules(checkFlowrouteFormat('')), ['required']);
  assert.deepEqual(rules(checkFlowrouteContent('')), []);
});

test('Flowroute: the result carries the normalised name and full-sentence messages', () => {
  const check = checkFlowrouteName('  ACME   PLUMBING SERVICES ');
  assert.equal(check.ok, false);
  assert.equal(check.normalized, 'ACME PLUMBING SERVICES');
  assert.deepEqual(check.violations, [
    { rule: 'max-length', message: 'Names are at most 15 characters; "ACME PLUMBING SERVICES" has 22.' },
  ]);
  const cafe = checkFlowrouteName('Bob\u2019s Caf\u00e9');
  assert.equal(cafe.normalized, "Bob's Caf\u00e9");
  assert.equal(
    describeViolations(cafe),
    `Names may contain only letters A-Z, digits, spaces and - _ . , @ + & ' / "; "Bob's Caf\u00e9" has "\u00e9".`,
  );
  assert.equal(describeViolations(checkFlowrouteName('Bob Law')), '');
  assert.deepEqual(checkFlowrouteName('Bob Law'), { ok: true, normalized: 'Bob Law', violations: [] });
});

test('Twilio: names that pass every rule', () => {
  for (const name of [
    'ACME PLUMBING',
    'Bob Law',
    'Pacific Dental',
    'Acme, Inc.',
    'Seattle Dental',
    'Texas Roadhouse',
    'Plumbing 24',
  ]) {
    const check = checkTwilioName(name);
    assert.deepEqual(check.violations, [], `${name}: ${describeViolations(check)}`);
  }
});

test('Twilio: each broken rule is reported, and all of them at once', () => {
  const cases: Array<[raw: string, expected: NameRule[]]> = [
    ['', ['required']],
    ['ACME PLUMBING CO', ['max-length']],
    ['1st Plumbing', ['starts-with-letter']],
    ['Bob & Sons', ['allowed-characters']],
    ["Bob's Cafe", ['allowed-characters']],
    ['Acme-Plumbing', ['allowed-characters']],
    ['2065551234', ['starts-with-letter', 'not-phone-number']],
    ['Fuck Inc', ['no-profanity']],
    ['FBI Tips', ['not-misleading']],
    ['Medicare Help', ['not-misleading']],
    ['Govt Office', ['not-misleading']],
    ['Texas', ['not-generic']],
    ['Seattle', ['not-generic']],
    ['New York', ['not-generic']],
    ['new york city', ['not-generic']],
    ['St. Louis', ['not-generic']],
    ['Washington D.C.', ['not-generic']],
    ['1 FBI & Texas Police', ['max-length', 'starts-with-letter', 'allowed-characters', 'not-misleading']],
  ];
  for (const [raw, expected] of cases) {
    assert.deepEqual(rules(checkTwilioName(raw)), expected, JSON.stringify(raw));
  }
});

test('checkName dispatches to the provider rules', () => {
  assert.deepEqual(
    PROVIDERS.map((p) => p.id),
    ['flowroute', 'twilio'],
  );
  assert.deepEqual(rules(checkName('Bob & Sons', 'flowroute')), []);
  assert.deepEqual(rules(checkName('Bob & Sons', 'twilio')), ['allowed-characters']);
  assert.deepEqual(rules(checkName('Texas', 'flowroute')), []);
  assert.deepEqual(rules(checkName('Texas', 'twilio')), ['not-generic']);
});

test('every violation message is one sentence naming the offending value', () => {
  for (const { id: provider } of PROVIDERS) {
    for (const raw of ['1 FBI & Texas Police Sh1t', '2065551234', 'Texas', '1234']) {
      for (const { message } of checkName(raw, provider).violations) {
        assert.match(message, /^[A-Z].*\.$/, message);
        assert.ok(!message.includes('\n'), message);
      }
    }
  }
});

test('common surnames and place names that only look official are allowed', () => {
  for (const name of ['Harris Plumbing', 'Federal Way DDS', 'Food Court Cafe', 'Clinton Tools']) {
    assert.equal(checkFlowrouteName(name).ok, true, name);
  }
  for (const [name, term] of [
    ['Kamala Harris', 'kamala'],
    ['Federal Agent', 'federal agent'],
    ['Superior Court', 'superior court'],
  ] as const) {
    const check = checkFlowrouteName(name);
    assert.deepEqual(
      check.violations.map((v) => v.rule),
      ['not-misleading'],
      name,
    );
    assert.match(check.violations[0]!.message, new RegExp(term, 'i'));
  }
});
