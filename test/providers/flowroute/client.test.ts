import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import type { FlowrouteClient } from '../../../src/providers/flowroute/client';
import { UUID_V4, apiError, clientFor, manualClock, startSandbox } from './helpers';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('FlowrouteClient against the sandbox', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let client: FlowrouteClient;

  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: 60_000, now: clock.now });
    client = clientFor(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  /** Creates a record and has the sandbox approve it at once. */
  async function approved(value: string) {
    const rec = await client.createCnam(value);
    sandbox.approve(rec.id);
    return rec;
  }

  test('createCnam returns a pending record with the value upper-cased', async () => {
    const rec = await client.createCnam('Bob Law');
    assert.match(rec.id, /^\d+$/);
    assert.equal(rec.value, 'BOB LAW');
    assert.equal(rec.isApproved, false);
    assert.equal(rec.rejectionReason, null);
    assert.equal(rec.createdAt, new Date(clock.now()).toISOString());
    assert.match(rec.createdAt, ISO);
    assert.equal(rec.approvedAt, null);
    assert.deepEqual(rec.numberIds, []);
  });

  test("a duplicate create (any case) is a non-retryable 422 carrying Flowroute's detail", async () => {
    await client.createCnam('Pacific Dental');
    const err = await apiError(client.createCnam('pacific dental'));
    assert.equal(err.status, 422);
    assert.equal(err.title, 'Invalid CNAM value');
    assert.equal(err.detail, 'Duplicate CNAM entry found on your account.');
    assert.equal(err.message, 'Flowroute 422 Invalid CNAM value: Duplicate CNAM entry found on your account.');
    assert.equal(err.retryable, false);
    assert.equal(err.retryAfterMs, null);
    assert.match(err.errorId ?? '', UUID_V4);
    assert.equal(err.method, 'POST');
    assert.equal(err.path, '/v2/cnams');
  });

  test('a rejected record still counts as a duplicate', async () => {
    const rec = await client.createCnam('Regence Inc');
    sandbox.reject(rec.id, 'Misleading CNAM');
    assert.equal((await apiError(client.createCnam('REGENCE INC'))).status, 422);
  });

  for (const [label, value, rule] of [
    ['too long', 'THIS NAME IS TOO LONG', /at most 15/],
    ['without a letter (a bare phone number)', '2065551234', /at least one letter/],
    ['with a character outside the allowed set', 'ACME#1', /"#"/],
    ['empty', '   ', /required/],
  ] as const) {
    test(`a value ${label} is a non-retryable 422 at create`, async () => {
      const err = await apiError(client.createCnam(value));
      assert.equal(err.status, 422);
      assert.equal(err.title, 'Invalid CNAM value');
      assert.match(err.detail, rule);
      assert.ok(err.message.includes(err.detail));
      assert.equal(err.retryable, false);
      assert.equal(sandbox.snapshot().records.length, 0);
    });
  }

  test('getCnam returns the record; unknown ids are a non-retryable 404', async () => {
    const rec = await client.createCnam('Heartwood');
    assert.deepEqual(await client.getCnam(rec.id), rec);
    const err = await apiError(client.getCnam('999999'));
    assert.equal(err.status, 404);
    assert.equal(err.title, 'Resource not found');
    assert.equal(err.retryable, false);
  });

  test('deleteCnam removes the record and unassigns its numbers; a second delete is 404', async () => {
    const rec = await approved('Delete Me');
    await client.assignCnam('12065550101', rec.id);
    await client.deleteCnam(rec.id);
    assert.equal((await client.getNumber('12065550101')).cnamPresetId, null);
    assert.equal((await apiError(client.getCnam(rec.id))).status, 404);
    const err = await apiError(client.deleteCnam(rec.id));
    assert.equal(err.status, 404);
    assert.equal(err.detail, 'CNAM record not found. Nothing to delete.');
    assert.equal(err.retryable, false);
  });

  test('assignCnam on an approved record returns its id and an ISO date; getNumber shows the preset', async () => {
    const rec = await approved('Acme Plumbing');
    assert.equal((await client.getNumber('12065550100')).cnamPresetId, null);
    const res = await client.assignCnam('12065550100', rec.id);
    assert.equal(res.cnamId, rec.id);
    assert.match(res.dateCreated, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
    assert.equal(Date.parse(res.dateCreated), Math.floor(clock.now() / 1000) * 1000);
    const number = await client.getNumber('12065550100');
    assert.deepEqual(number, {
      id: '12065550100',
      cnamPresetId: rec.id,
      numberType: 'standard',
      cnamLookupsEnabled: false,
    });
    assert.deepEqual((await client.getCnam(rec.id)).numberIds, ['12065550100']);
  });

  test('assigning a second record replaces the first', async () => {
    const first = await approved('First Name');
    const second = await approved('Second Name');
    await client.assignCnam('12065550102', first.id);
    await client.assignCnam('12065550102', second.id);
    assert.equal((await client.getNumber('12065550102')).cnamPresetId, second.id);
    assert.deepEqual((await client.getCnam(first.id)).numberIds, []);
  });

  test('assigning a pending record is a non-retryable 422 "CNAM record is not approved."', async () => {
    const rec = await client.createCnam('Not Yet');
    const err = await apiError(client.assignCnam('12065550100', rec.id));
    assert.equal(err.status, 422);
    assert.equal(err.title, 'Invalid CNAM');
    assert.equal(err.detail, 'CNAM record is not approved.');
    assert.equal(err.retryable, false);
    assert.equal((await client.getNumber('12065550100')).cnamPresetId, null);
  });

  test('assigning to a number not on the account, or an unknown record, is 404', async () => {
    const rec = await approved('Good Name');
    const notOurs = await apiError(client.assignCnam('19995550100', rec.id));
    assert.equal(notOurs.status, 404);
    assert.equal(notOurs.retryable, false);
    assert.equal((await apiError(client.assignCnam('12065550100', '999999'))).status, 404);
  });

  test('unassignCnam clears the preset and is idempotent', async () => {
    const rec = await approved('Unassign Me');
    await client.assignCnam('13125550100', rec.id);
    await client.unassignCnam('13125550100');
    assert.equal((await client.getNumber('13125550100')).cnamPresetId, null);
    await client.unassignCnam('13125550100');
    assert.equal((await client.getNumber('13125550100')).cnamPresetId, null);
    assert.equal((await apiError(client.unassignCnam('19995550100'))).status, 404);
  });

  test('getNumber for a number not on the account is a non-retryable 404', async () => {
    const err = await apiError(client.getNumber('19995550100'));
    assert.equal(err.status, 404);
    assert.equal(err.retryable, false);
  });

  test('listCnams pages with limit/offset and reports nextOffset only when more remain', async () => {
    const made = [];
    for (const v of ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo']) made.push(await client.createCnam(v));
    const first = await client.listCnams({ limit: 2 });
    assert.deepEqual(
      first.records.map((r) => r.value),
      ['ALPHA', 'BRAVO'],
    );
    assert.equal(first.nextOffset, 2);
    const middle = await client.listCnams({ limit: 2, offset: 2 });
    assert.deepEqual(
      middle.records.map((r) => r.value),
      ['CHARLIE', 'DELTA'],
    );
    assert.equal(middle.nextOffset, 4);
    const last = await client.listCnams({ limit: 2, offset: 4 });
    assert.deepEqual(
      last.records.map((r) => r.value),
      ['ECHO'],
    );
    assert.equal(last.nextOffset, null);
    const exact = await client.listCnams({ limit: 5 });
    assert.equal(exact.records.length, 5);
    assert.equal(exact.nextOffset, null);
    assert.deepEqual(
      (await client.listCnams()).records.map((r) => r.id),
      made.map((r) => r.id),
    );
  });

  test('listCnams filters by isApproved and by value substring', async () => {
    const a = await approved('Alpha Co');
    await client.createCnam('Beta Co');
    assert.deepEqual(
      (await client.listCnams({ isApproved: true })).records.map((r) => r.id),
      [a.id],
    );
    assert.deepEqual(
      (await client.listCnams({ isApproved: false })).records.map((r) => r.value),
      ['BETA CO'],
    );
    assert.deepEqual(
      (await client.listCnams({ value: 'eta' })).records.map((r) => r.value),
      ['BETA CO'],
    );
  });

  test('findCnamByValue asks for the value: one request however large the account, exact match only', async () => {
    for (let i = 0; i < 105; i++) await client.createCnam(`Filler ${String(i).padStart(3, '0')}`);
    const target = await client.createCnam('Needle Co');
    await client.createCnam('Needle Company');
    const lists = () => sandbox.snapshot().requestCounts['GET /v2/cnams'] ?? 0;
    const before = lists();
    const found = await client.findCnamByValue('  needle co ');
    assert.equal(found?.id, target.id);
    assert.equal(lists() - before, 1, 'one list request, not a page per 100 records');
    // A substring of two records, equal to neither: not found.
    assert.equal(await client.findCnamByValue('Needle'), null);
  });

  test('findCnamByValue still finds the record when a server ignores the value filter', async () => {
    for (let i = 0; i < 105; i++) await client.createCnam(`Filler ${String(i).padStart(3, '0')}`);
    const target = await client.createCnam('Late Record');
    // A client whose requests lose their value parameter, as on an account whose API predates it.
    const ignoring = Object.create(client) as typeof client;
    ignoring.listCnams = (query = {}) => client.listCnams({ ...query, value: undefined });
    const before = sandbox.snapshot().requestCounts['GET /v2/cnams'] ?? 0;
    assert.equal((await ignoring.findCnamByValue('late record'))?.id, target.id);
    assert.equal((sandbox.snapshot().requestCounts['GET /v2/cnams'] ?? 0) - before, 2, 'paged through both pages');
  });

  test('findCnamByValue returns null on an empty account', async () => {
    assert.equal(await client.findCnamByValue('Anything'), null);
  });
});
