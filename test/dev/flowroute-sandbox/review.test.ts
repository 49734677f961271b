import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import { cnamApi, flowrouteTime, manualClock, rawFetch, startSandbox, type ErrorDoc } from './helpers';

// Flowroute's CNAM documentation (the API reference and the CNAM tutorial) is the oracle here: its storage
// rules, its example names and what it says review rejects. Where it is silent the test says the choice is
// the sandbox's own.

const DELAY_MS = 48 * 3600_000;

const MISLEADING = 'Misleading CNAM';
const PHONE_NUMBER = 'CNAM appears to be a phone number';
const INAPPROPRIATE = 'Inappropriate content';

describe('review as Flowroute documents it (injected clock)', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let api: ReturnType<typeof cnamApi>;

  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: DELAY_MS, now: clock.now });
    api = cnamApi(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('a record stays pending until the delay has passed, then is approved at the due time', async () => {
    const created = await api.created('Heartwood');
    clock.advance(DELAY_MS - 1);
    assert.equal((await api.get(created.id)).attributes.is_approved, false);
    clock.advance(1);
    const rec = await api.get(created.id);
    assert.equal(rec.attributes.is_approved, true);
    assert.equal(rec.attributes.rejection_reason, null);
    assert.equal(
      flowrouteTime(rec.attributes.approval_datetime ?? ''),
      flowrouteTime(created.attributes.creation_datetime) + DELAY_MS,
    );
    assert.deepEqual(rec.relationships?.numbers.data, []);
    clock.advance(60_000);
    assert.equal((await api.get(created.id)).attributes.approval_datetime, rec.attributes.approval_datetime);
  });

  // The names in Flowroute's examples, stored upper-cased as every example shows them.
  for (const [name, stored] of [
    ['Bob Law', 'BOB LAW'],
    ['Pacific Dental', 'PACIFIC DENTAL'],
    ['Regence Inc', 'REGENCE INC'],
    ['Heartwood', 'HEARTWOOD'],
  ] as const) {
    test(`the documented example "${name}" is stored as "${stored}" and approved`, async () => {
      const created = await api.created(name);
      assert.equal(created.attributes.value, stored);
      clock.advance(DELAY_MS);
      const rec = await api.get(created.id);
      assert.equal(rec.attributes.is_approved, true);
      assert.equal(rec.attributes.rejection_reason, null);
    });
  }

  // "the following are not allowed and must be rejected": curse words, a phone number, misleading names such as
  // political figures or places (Obama, Barack or The White House) and false or fake CNAM (Seattle Police).
  for (const [value, reason] of [
    ['Obama', MISLEADING],
    ['Barack', MISLEADING],
    ['Barack Obama', MISLEADING],
    ['The White House', MISLEADING],
    ['Seattle Police', MISLEADING],
    ['CALL 2065551234', PHONE_NUMBER],
    ['206-555-0100 A', PHONE_NUMBER],
    ['Fuck Inc', INAPPROPRIATE],
    ['Bullshit LLC', INAPPROPRIATE],
  ] as const) {
    test(`"${value}" passes create but is rejected at review with "${reason}"`, async () => {
      const created = await api.created(value);
      assert.equal(created.attributes.rejection_reason, null);
      clock.advance(DELAY_MS);
      const rec = await api.get(created.id);
      assert.equal(rec.attributes.is_approved, false);
      assert.equal(rec.attributes.rejection_reason, reason);
      assert.equal(rec.attributes.approval_datetime, null);
      const refused = await api.assign('12065550100', rec.id);
      assert.equal(refused.status, 422);
      const [e] = (refused.body as ErrorDoc).errors;
      assert.equal(e?.title, 'Invalid CNAM');
      assert.equal(e?.detail, 'CNAM record is not approved.');
    });
  }

  // Not documented, the sandbox's own choices: terms count as whole words (dots dropped), so a real place or
  // name that merely contains one is approved.
  for (const [value, reason] of [
    ['Scunthorpe Cafe', null],
    ['Shitterton Inn', null],
    ['F.B.I. Agents', MISLEADING],
  ] as const) {
    test(`sandbox choice: "${value}" is ${reason === null ? 'approved' : `rejected with "${reason}"`}`, async () => {
      const created = await api.created(value);
      clock.advance(DELAY_MS);
      const rec = await api.get(created.id);
      assert.equal(rec.attributes.is_approved, reason === null);
      assert.equal(rec.attributes.rejection_reason, reason);
    });
  }

  test('the list also shows the decision once due', async () => {
    const rec = await api.created('Seattle Police');
    clock.advance(DELAY_MS);
    const [listed] = await api.list();
    assert.equal(listed?.id, rec.id);
    assert.equal(listed?.attributes.rejection_reason, MISLEADING);
  });

  test('PATCH of a pending record changes the value and restarts the review; decided records refuse it', async () => {
    const rec = await api.created('Seattle Police');
    clock.advance(DELAY_MS / 2);
    const res = await api.patch(rec.id, 'Seattle Dental');
    assert.equal(res.status, 200);
    assert.equal((res.body as { data: { attributes: { value: string } } }).data.attributes.value, 'SEATTLE DENTAL');
    clock.advance(DELAY_MS / 2);
    assert.equal((await api.get(rec.id)).attributes.is_approved, false);
    clock.advance(DELAY_MS / 2);
    assert.equal((await api.get(rec.id)).attributes.is_approved, true);
    const refused = await api.patch(rec.id, 'Other Name');
    assert.equal(refused.status, 422);
    const body = refused.body as ErrorDoc;
    assert.equal(body.errors[0]?.title, 'Invalid CNAM value');
    assert.equal(body.errors[0]?.detail, 'Only pending CNAM records can be updated.');
  });
});

describe('the storage rules, checked at create', () => {
  let sandbox: RunningFlowrouteSandbox;
  let api: ReturnType<typeof cnamApi>;

  before(async () => {
    sandbox = await startSandbox({ autoReview: false });
    api = cnamApi(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  const refusal = async (value: string): Promise<string> => {
    const res = await api.create(value);
    assert.equal(res.status, 422, `${JSON.stringify(value)} should be refused`);
    const [e] = (res.body as ErrorDoc).errors;
    assert.equal(e?.title, 'Invalid CNAM value');
    return e?.detail ?? '';
  };

  test('"up to 15 characters": 15 are stored, 16 are refused', async () => {
    assert.equal((await api.created('ABCDEFGHIJKLMNO')).attributes.value, 'ABCDEFGHIJKLMNO');
    assert.match(await refusal('ABCDEFGHIJKLMNOP'), /at most 15 characters; "ABCDEFGHIJKLMNOP" has 16/);
  });

  test('"at least one of which is a letter": a bare number never reaches review', async () => {
    assert.match(await refusal('2065550100'), /at least one letter/);
    assert.match(await refusal('1234 5678'), /at least one letter/);
    assert.equal(sandbox.snapshot().records.length, 0);
  });

  test('spaces and the special characters - _ . , @ + & \' / " are allowed, anything else is refused', async () => {
    assert.equal((await api.created('A-B_C.D,E@F+G&H')).attributes.value, 'A-B_C.D,E@F+G&H');
    assert.equal((await api.created(`I'J/K"L M`)).attributes.value, `I'J/K"L M`);
    assert.match(await refusal('Bob! Law'), /"!"/);
    assert.match(await refusal('Bob #1'), /"#"/);
    assert.match(await refusal('Café Rouge'), /"é"/);
  });

  test('an empty value is refused', async () => {
    assert.match(await refusal('   '), /required/);
  });

  test('sandbox choice: smart quotes, which the docs warn "are known to cause errors", are straightened', async () => {
    assert.equal((await api.created('Bob\u2019s \u201CDiner\u201D')).attributes.value, `BOB'S "DINER"`);
  });
});

describe('review by hand (autoReview false) and the admin surface', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let api: ReturnType<typeof cnamApi>;

  before(async () => {
    sandbox = await startSandbox({ autoReview: false, approvalDelayMs: 0, now: clock.now });
    api = cnamApi(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('records stay pending however much time passes', async () => {
    const rec = await api.created('Bob Law');
    clock.advance(30 * 24 * 3600_000);
    assert.equal((await api.get(rec.id)).attributes.is_approved, false);
    assert.equal(sandbox.snapshot().records[0]?.status, 'pending');
  });

  test('POST /__sandbox/cnams/{id}/approve approves; the record can then be assigned', async () => {
    const rec = await api.created('Bob Law');
    clock.advance(1234);
    const res = await fetch(`${sandbox.url}/__sandbox/cnams/${rec.id}/approve`, { method: 'POST' });
    assert.equal(res.status, 200);
    const got = await api.get(rec.id);
    assert.equal(got.attributes.is_approved, true);
    assert.equal(flowrouteTime(got.attributes.approval_datetime ?? ''), clock.now());
    assert.equal((await api.assign('12065550100', rec.id)).status, 202);
    assert.deepEqual(sandbox.snapshot().assignments, { '12065550100': rec.id });
  });

  test('POST /__sandbox/cnams/{id}/reject records the reason', async () => {
    const rec = await api.created('Bob Law');
    const res = await fetch(`${sandbox.url}/__sandbox/cnams/${rec.id}/reject`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'Name does not match the account' }),
    });
    assert.equal(res.status, 200);
    const got = await api.get(rec.id);
    assert.equal(got.attributes.is_approved, false);
    assert.equal(got.attributes.rejection_reason, 'Name does not match the account');
  });

  test('admin approve/reject answer 404 for unknown ids and 400 for a missing reason', async () => {
    assert.equal((await fetch(`${sandbox.url}/__sandbox/cnams/999999/approve`, { method: 'POST' })).status, 404);
    const rec = await api.created('Bob Law');
    const res = await fetch(`${sandbox.url}/__sandbox/cnams/${rec.id}/reject`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 400);
    assert.equal((await api.get(rec.id)).attributes.rejection_reason, null);
  });

  test('the in-process approve/reject controls do the same; unknown ids throw', async () => {
    const a = await api.created('Alpha');
    const b = await api.created('Bravo');
    sandbox.approve(a.id);
    sandbox.reject(b.id, INAPPROPRIATE);
    assert.equal((await api.get(a.id)).attributes.is_approved, true);
    assert.equal((await api.get(b.id)).attributes.rejection_reason, INAPPROPRIATE);
    assert.throws(() => sandbox.approve('999999'), /no CNAM record 999999/);
  });

  test('GET /__sandbox/state shows records, numbers, assignments and request counts; reset empties them', async () => {
    const rec = await api.created('Bob Law');
    sandbox.approve(rec.id);
    await api.assign('13125550100', rec.id);
    const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as ReturnType<typeof sandbox.snapshot>;
    assert.deepEqual(
      state.records.map((r) => [r.id, r.value, r.status, r.numberIds]),
      [[rec.id, 'BOB LAW', 'approved', ['13125550100']]],
    );
    assert.deepEqual(
      state.numbers.map((n) => n.id),
      ['12065550100', '12065550101', '12065550102', '13125550100'],
    );
    assert.deepEqual(state.assignments, { '13125550100': rec.id });
    assert.equal(state.requestCounts['POST /v2/cnams'], 1);
    assert.equal(state.requestCounts['PATCH /v2/numbers/:number/relationships/cnams/:id'], 1);
    assert.equal((await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' })).status, 204);
    const after = sandbox.snapshot();
    assert.deepEqual(after.records, []);
    assert.deepEqual(after.assignments, {});
    assert.deepEqual(after.requestCounts, {});
  });

  test('the exported state object reads and changes the same account', async () => {
    const rec = await api.created('Bob Law');
    assert.equal(sandbox.state.get(rec.id)?.value, 'BOB LAW');
    sandbox.state.approve(rec.id);
    assert.equal((await api.get(rec.id)).attributes.is_approved, true);
    assert.equal(sandbox.state.requestCounts()['POST /v2/cnams'], 1);
    await rawFetch(`${sandbox.url}/v2/cnams/${rec.id}`, { method: 'DELETE' });
    assert.equal(sandbox.state.list().length, 0);
  });
});

describe('approvalDelayMs 0', () => {
  let sandbox: RunningFlowrouteSandbox;
  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: 0 });
  });
  after(() => sandbox.close());

  test('create answers pending and the first read is already decided', async () => {
    const api = cnamApi(sandbox.url);
    const rec = await api.created('Instant Co');
    assert.equal(rec.attributes.is_approved, false);
    const got = await api.get(rec.id);
    assert.equal(got.attributes.is_approved, true);
    assert.equal(got.attributes.approval_datetime, got.attributes.creation_datetime);
  });
});
