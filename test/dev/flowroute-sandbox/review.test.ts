import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import type { FlowrouteClient } from '../../../src/providers/flowroute';
import { apiError, clientFor, manualClock, rawFetch, startSandbox } from '../../providers/flowroute/helpers';

const DELAY_MS = 48 * 3600_000;

describe('review with an injected clock', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let client: FlowrouteClient;

  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: DELAY_MS, now: clock.now });
    client = clientFor(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('a record stays pending until the delay has passed, then is approved at the due time', async () => {
    const created = await client.createCnam('Heartwood');
    clock.advance(DELAY_MS - 1);
    assert.equal((await client.getCnam(created.id)).isApproved, false);
    clock.advance(1);
    const rec = await client.getCnam(created.id);
    assert.equal(rec.isApproved, true);
    assert.equal(rec.rejectionReason, null);
    assert.equal(rec.approvedAt, new Date(Date.parse(created.createdAt) + DELAY_MS).toISOString());
    assert.deepEqual(rec.numberIds, []);
    clock.advance(60_000);
    assert.equal((await client.getCnam(created.id)).approvedAt, rec.approvedAt);
  });

  for (const [value, reason] of [
    ['Seattle Police', 'Misleading CNAM'],
    ['The White House', 'Misleading CNAM'],
    ['CALL 2065551234', 'CNAM appears to be a phone number'],
    ['Fuck Inc', 'Inappropriate content'],
  ] as const) {
    test(`"${value}" passes create but is rejected at review with "${reason}"`, async () => {
      const created = await client.createCnam(value);
      assert.equal(created.rejectionReason, null);
      clock.advance(DELAY_MS);
      const rec = await client.getCnam(created.id);
      assert.equal(rec.isApproved, false);
      assert.equal(rec.rejectionReason, reason);
      assert.equal(rec.approvedAt, null);
      const err = await apiError(client.assignCnam('12065550100', rec.id));
      assert.equal(err.status, 422);
      assert.equal(err.detail, 'CNAM record is not approved.');
    });
  }

  test('the list also shows the decision once due', async () => {
    const rec = await client.createCnam('Seattle Police');
    clock.advance(DELAY_MS);
    const [listed] = (await client.listCnams()).records;
    assert.equal(listed?.id, rec.id);
    assert.equal(listed?.rejectionReason, 'Misleading CNAM');
  });

  test('PATCH of a pending record changes the value and restarts the review; decided records refuse it', async () => {
    const rec = await client.createCnam('Seattle Police');
    clock.advance(DELAY_MS / 2);
    const patch = (value: string) =>
      rawFetch(`${sandbox.url}/v2/cnams/${rec.id}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/vnd.api+json' },
        body: JSON.stringify({ data: { type: 'cnam', attributes: { value } } }),
      });
    const res = await patch('Seattle Dental');
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { data: { attributes: { value: string } } }).data.attributes.value, 'SEATTLE DENTAL');
    clock.advance(DELAY_MS / 2);
    assert.equal((await client.getCnam(rec.id)).isApproved, false);
    clock.advance(DELAY_MS / 2);
    assert.equal((await client.getCnam(rec.id)).isApproved, true);
    const refused = await patch('Other Name');
    assert.equal(refused.status, 422);
    const body = (await refused.json()) as { errors: { title: string; detail: string }[] };
    assert.equal(body.errors[0]?.title, 'Invalid CNAM value');
    assert.equal(body.errors[0]?.detail, 'Only pending CNAM records can be updated.');
  });
});

describe('review by hand (autoReview false) and the admin surface', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let client: FlowrouteClient;

  before(async () => {
    sandbox = await startSandbox({ autoReview: false, approvalDelayMs: 0, now: clock.now });
    client = clientFor(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('records stay pending however much time passes', async () => {
    const rec = await client.createCnam('Bob Law');
    clock.advance(30 * 24 * 3600_000);
    assert.equal((await client.getCnam(rec.id)).isApproved, false);
    assert.equal(sandbox.snapshot().records[0]?.status, 'pending');
  });

  test('POST /__sandbox/cnams/{id}/approve approves; the record can then be assigned', async () => {
    const rec = await client.createCnam('Bob Law');
    clock.advance(1234);
    const res = await fetch(`${sandbox.url}/__sandbox/cnams/${rec.id}/approve`, { method: 'POST' });
    assert.equal(res.status, 200);
    const got = await client.getCnam(rec.id);
    assert.equal(got.isApproved, true);
    assert.equal(got.approvedAt, new Date(clock.now()).toISOString());
    await client.assignCnam('12065550100', rec.id);
    assert.deepEqual(sandbox.snapshot().assignments, { '12065550100': rec.id });
  });

  test('POST /__sandbox/cnams/{id}/reject records the reason', async () => {
    const rec = await client.createCnam('Bob Law');
    const res = await fetch(`${sandbox.url}/__sandbox/cnams/${rec.id}/reject`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ reason: 'Name does not match the account' }),
    });
    assert.equal(res.status, 200);
    const got = await client.getCnam(rec.id);
    assert.equal(got.isApproved, false);
    assert.equal(got.rejectionReason, 'Name does not match the account');
  });

  test('admin approve/reject answer 404 for unknown ids and 400 for a missing reason', async () => {
    assert.equal((await fetch(`${sandbox.url}/__sandbox/cnams/999999/approve`, { method: 'POST' })).status, 404);
    const rec = await client.createCnam('Bob Law');
    const res = await fetch(`${sandbox.url}/__sandbox/cnams/${rec.id}/reject`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 400);
    assert.equal((await client.getCnam(rec.id)).rejectionReason, null);
  });

  test('the in-process approve/reject controls do the same; unknown ids throw', async () => {
    const a = await client.createCnam('Alpha');
    const b = await client.createCnam('Bravo');
    sandbox.approve(a.id);
    sandbox.reject(b.id, 'Inappropriate content');
    assert.equal((await client.getCnam(a.id)).isApproved, true);
    assert.equal((await client.getCnam(b.id)).rejectionReason, 'Inappropriate content');
    assert.throws(() => sandbox.approve('999999'), /no CNAM record 999999/);
  });

  test('GET /__sandbox/state shows records, numbers, assignments and request counts; reset empties them', async () => {
    const rec = await client.createCnam('Bob Law');
    sandbox.approve(rec.id);
    await client.assignCnam('13125550100', rec.id);
    const state = (await (await fetch(`${sandbox.url}/__sandbox/state`)).json()) as ReturnType<typeof sandbox.snapshot>;
    assert.deepEqual(state.records.map((r) => [r.id, r.value, r.status, r.numberIds]), [[rec.id, 'BOB LAW', 'approved', ['13125550100']]]);
    assert.deepEqual(state.numbers.map((n) => n.id), ['12065550100', '12065550101', '12065550102', '13125550100']);
    assert.deepEqual(state.assignments, { '13125550100': rec.id });
    assert.equal(state.requestCounts['POST /v2/cnams'], 1);
    assert.equal(state.requestCounts['PATCH /v2/numbers/:number/relationships/cnams/:id'], 1);
    assert.equal((await fetch(`${sandbox.url}/__sandbox/reset`, { method: 'POST' })).status, 204);
    const after = sandbox.snapshot();
    assert.deepEqual(after.records, []);
    assert.deepEqual(after.assignments, {});
    assert.deepEqual(after.requestCounts, {});
  });
});

describe('approvalDelayMs 0', () => {
  let sandbox: RunningFlowrouteSandbox;
  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: 0 });
  });
  after(() => sandbox.close());

  test('create answers pending and the first read is already decided', async () => {
    const client = clientFor(sandbox.url);
    const rec = await client.createCnam('Instant Co');
    assert.equal(rec.isApproved, false);
    const got = await client.getCnam(rec.id);
    assert.equal(got.isApproved, true);
    assert.equal(got.approvedAt, got.createdAt);
  });
});
