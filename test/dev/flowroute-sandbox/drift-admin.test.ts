import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import { cnamApi, type ErrorDoc, manualClock, rawFetch, startSandbox } from './helpers';

// Drift: what someone changes in Flowroute's portal (or a number leaving the account) behind the API's back.
// The admin surface answers plain `{error}` JSON; the API keeps Flowroute's error documents.

const HOUR = 3_600_000;
const NUMBER = '12065550100';

interface NumberDoc {
  data: { id: string; relationships: { cnam_preset: { data: { id: string; type: string } | null } } };
}

describe('drift at Flowroute (injected clock)', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let api: ReturnType<typeof cnamApi>;
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> };
  };
  const preset = async (number: string) =>
    ((await (await rawFetch(`${sandbox.url}/v2/numbers/${number}`)).json()) as NumberDoc).data.relationships.cnam_preset
      .data;

  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: HOUR, now: clock.now });
    api = cnamApi(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('the portal sets a preset directly, even a pending record; null clears it', async () => {
    const pending = await api.created('Heartwood');
    const res = await admin('PUT', `/numbers/${NUMBER}/cnam`, { cnamId: pending.id });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id: NUMBER, cnamId: pending.id });
    assert.deepEqual(await preset(NUMBER), { id: pending.id, type: 'cnam' });
    assert.deepEqual(sandbox.snapshot().assignments, { [NUMBER]: pending.id });
    // Pending: nothing is registered on the network yet.
    assert.equal(sandbox.registeredCnam(`+${NUMBER}`), null);

    assert.equal((await admin('PUT', `/numbers/${NUMBER}/cnam`, { cnamId: null })).status, 200);
    assert.equal(await preset(NUMBER), null);
    assert.deepEqual(sandbox.snapshot().assignments, {});
  });

  test('registeredCnam: an approved preset, since the later of assignment and approval', async () => {
    const rec = await api.created('Pacific Dental');
    const assignedAt = clock.now();
    sandbox.setNumberCnam(NUMBER, rec.id); // the portal takes it while pending
    clock.advance(HOUR); // review decides at the due time
    assert.equal((await api.get(rec.id)).attributes.is_approved, true);
    assert.deepEqual(sandbox.registeredCnam(`+${NUMBER}`), { name: 'PACIFIC DENTAL', sinceMs: assignedAt + HOUR });

    // A rename in the portal to a long-approved record counts from the reassignment.
    const other = await api.created('Regence Inc');
    clock.advance(HOUR);
    await api.get(other.id);
    clock.advance(HOUR);
    const renamedAt = clock.now();
    assert.equal((await admin('PUT', `/numbers/${NUMBER}/cnam`, { cnamId: other.id })).status, 200);
    assert.deepEqual(sandbox.registeredCnam(`+${NUMBER}`), { name: 'REGENCE INC', sinceMs: renamedAt });
    assert.equal(sandbox.registeredCnam('+12065550101'), null);
    assert.equal(sandbox.registeredCnam('+19995550100'), null);
  });

  test('a rejected preset registers nothing', async () => {
    const rec = await api.created('Seattle Police');
    sandbox.setNumberCnam(NUMBER, rec.id);
    clock.advance(HOUR);
    assert.ok((await api.get(rec.id)).attributes.rejection_reason);
    assert.equal(sandbox.registeredCnam(`+${NUMBER}`), null);
  });

  test('bad input: unknown number or record 404, malformed body 400; nothing changes', async () => {
    const rec = await api.created('Bob Law');
    const unknownRecord = await admin('PUT', `/numbers/${NUMBER}/cnam`, { cnamId: '99999' });
    assert.equal(unknownRecord.status, 404);
    assert.match(String(unknownRecord.body.error), /no CNAM record 99999/);
    const unknownNumber = await admin('PUT', '/numbers/19995550100/cnam', { cnamId: rec.id });
    assert.equal(unknownNumber.status, 404);
    assert.match(String(unknownNumber.body.error), /no number 19995550100/);
    for (const body of [{}, { cnamId: Number(rec.id) }, { cnam: rec.id }]) {
      const res = await admin('PUT', `/numbers/${NUMBER}/cnam`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.equal(await preset(NUMBER), null);
    assert.throws(() => sandbox.setNumberCnam(NUMBER, '99999'), /no CNAM record 99999/);
  });

  test('a released number is gone: the API answers 404 for it as for any number not on the account', async () => {
    const rec = await api.created('Heartwood');
    clock.advance(HOUR);
    await api.get(rec.id);
    assert.equal((await api.assign(NUMBER, rec.id)).status, 202);

    assert.equal((await admin('DELETE', `/numbers/${NUMBER}`)).status, 204);
    const fetched = await rawFetch(`${sandbox.url}/v2/numbers/${NUMBER}`);
    assert.equal(fetched.status, 404);
    const doc = (await fetched.json()) as ErrorDoc;
    assert.equal(doc.errors[0]?.title, 'Resource not found');
    assert.equal((await api.assign(NUMBER, rec.id)).status, 404);
    const list = (await (await rawFetch(`${sandbox.url}/v2/numbers`)).json()) as { data: { id: string }[] };
    assert.ok(!list.data.some((n) => n.id === NUMBER));
    // The record no longer lists it, and the network no longer has its name.
    assert.deepEqual((await api.get(rec.id)).relationships?.numbers.data, []);
    assert.equal(sandbox.registeredCnam(`+${NUMBER}`), null);

    const again = await admin('DELETE', `/numbers/${NUMBER}`);
    assert.equal(again.status, 404);
    assert.throws(() => sandbox.releaseNumber(NUMBER), /no number 12065550100/);
    sandbox.reset();
    assert.equal((await rawFetch(`${sandbox.url}/v2/numbers/${NUMBER}`)).status, 200);
  });
});
