import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  ConnectionDropped,
  createFlowrouteSandboxApp,
  startFlowrouteSandbox,
  type RunningFlowrouteSandbox,
} from '../../../dev/sandbox/flowroute';
import { eventually, expectConnectionError, sleep, statuses } from './helpers';

const AUTH = `Basic ${Buffer.from('sandbox-access-key:sandbox-secret-key').toString('base64')}`;
const JSON_API = 'application/vnd.api+json';

describe('Flowroute sandbox network faults over a real socket', () => {
  let sandbox: RunningFlowrouteSandbox;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sandbox.url}${path}`, {
      ...init,
      headers: { Authorization: AUTH, 'Content-Type': JSON_API, ...init.headers },
    });
  const createCnam = (value: string, signal?: AbortSignal) =>
    api('/v2/cnams', { method: 'POST', body: JSON.stringify({ value }), ...(signal && { signal }) });
  const values = () => sandbox.snapshot().records.map((r) => r.value);
  const admin = (method: string, body?: unknown) =>
    fetch(`${sandbox.url}/__sandbox/faults`, { method, ...(body !== undefined && { body: JSON.stringify(body) }) });

  before(async () => {
    sandbox = await startFlowrouteSandbox({ port: 0 });
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('reset: the client sees a connection error and nothing is created', async () => {
    assert.equal((await admin('POST', { method: 'POST', path: '/v2/cnams', kind: 'reset' })).status, 201);
    await expectConnectionError(createCnam('Reset Co'));
    assert.deepEqual(values(), []);
    const snap = sandbox.snapshot();
    assert.equal(snap.requestCounts['POST /v2/cnams'], 1, 'the request arrived');
    assert.equal(snap.writeCounts['POST /v2/cnams'], undefined, 'but nothing was written');
    // One-shot: the retry goes through.
    assert.equal((await createCnam('Reset Co')).status, 201);
    assert.deepEqual(values(), ['RESET CO']);
  });

  test('lost-response: the client sees a connection error, yet the record exists', async () => {
    sandbox.injectFault({ method: 'POST', path: '/v2/cnams', kind: 'lost-response' });
    await expectConnectionError(createCnam('Lost Co'));
    assert.deepEqual(values(), ['LOST CO']);
    assert.equal(sandbox.snapshot().writeCounts['POST /v2/cnams'], 1);
    // A naive retry now meets Flowroute's duplicate rule, which is what a client must be ready for.
    const retry = await createCnam('Lost Co');
    assert.equal(retry.status, 422);
    assert.match(await retry.text(), /Duplicate CNAM/);
  });

  test('slow-write: the client gives up, the record still lands after delayMs', async () => {
    sandbox.injectFault({ method: 'POST', path: '/v2/cnams', kind: 'slow-write', delayMs: 400 });
    const started = Date.now();
    await assert.rejects(createCnam('Slow Co', AbortSignal.timeout(50)), { name: 'TimeoutError' });
    assert.deepEqual(values(), [], 'not written before delayMs');
    await eventually(() => (values().length ? true : undefined), 'the slow create');
    assert.ok(Date.now() - started >= 380, 'landed before delayMs');
    assert.deepEqual(values(), ['SLOW CO']);
    assert.equal(sandbox.snapshot().writeCounts['POST /v2/cnams'], 1);
  });

  test('a delayed status fault is still abandoned when the client leaves (unchanged behaviour)', async () => {
    sandbox.injectFault({ method: 'POST', path: '/v2/cnams', delayMs: 300 });
    await assert.rejects(createCnam('Gone Co', AbortSignal.timeout(50)), { name: 'TimeoutError' });
    await sleep(400);
    assert.deepEqual(values(), []);
  });

  test('rate 1.0 fails every matching request until cleared, and shows its counts', async () => {
    sandbox.injectFault({ method: 'GET', path: '/v2/numbers', status: 503, rate: 1 });
    const got = await statuses(200, () => api('/v2/numbers/12065550100'));
    assert.deepEqual(new Set(got), new Set([503]));
    assert.equal((await api('/v2/cnams')).status, 200, 'other paths are untouched');
    const { faults } = (await (await admin('GET')).json()) as {
      faults: { remaining: number | null; matched: number; fired: number }[];
    };
    assert.deepEqual(
      faults.map((f) => [f.remaining, f.matched, f.fired]),
      [[null, 200, 200]],
    );
    assert.equal((await admin('DELETE')).status, 204);
    assert.equal((await api('/v2/numbers/12065550100')).status, 200);
    assert.deepEqual(sandbox.snapshot().faults, []);
  });

  test('rate 0.5 fails about half of 200 requests', async () => {
    sandbox.injectFault({ path: '/v2/numbers', status: 500, rate: 0.5 });
    const failed = (await statuses(200, () => api('/v2/numbers/12065550100'))).filter((s) => s === 500).length;
    // Binomial(200, 0.5): 60..140 is over five standard deviations either side.
    assert.ok(failed >= 60 && failed <= 140, `${failed} of 200 failed`);
    assert.equal(sandbox.snapshot().faults[0]?.fired, failed);
  });

  test('a seeded rate fails the same requests every run', async () => {
    const run = async () => {
      sandbox.reset();
      sandbox.injectFault({ path: '/v2/numbers', status: 502, rate: 0.3, seed: 42 });
      return (await statuses(50, () => api('/v2/numbers/12065550100'))).map((s) => (s === 502 ? 'x' : '.')).join('');
    };
    const first = await run();
    assert.equal(await run(), first);
    assert.match(first, /x/);
    assert.match(first, /\./);
  });

  test('rate with count stops after count firings', async () => {
    sandbox.injectFault({ path: '/v2/numbers', status: 503, rate: 1, count: 3 });
    assert.deepEqual(await statuses(5, () => api('/v2/numbers/12065550100')), [503, 503, 503, 200, 200]);
  });

  test('429 without Retry-After, and with one when asked', async () => {
    sandbox.injectFault({ path: '/v2/cnams', status: 429, retryAfterSeconds: null });
    const bare = await api('/v2/cnams');
    assert.equal(bare.status, 429);
    assert.equal(bare.headers.get('retry-after'), null);
    assert.equal(((await bare.json()) as { errors: { title: string }[] }).errors[0]?.title, 'Too Many Requests');
    sandbox.injectFault({ path: '/v2/cnams', status: 429, retryAfterSeconds: 3 });
    assert.equal((await api('/v2/cnams')).headers.get('retry-after'), '3');
  });

  test('malformed faults: 400 from the admin endpoint, a throw from the control', async () => {
    for (const bad of [
      { kind: 'explode' },
      { status: 503, rate: 0 },
      { status: 503, rate: 1.5 },
      { status: 503, delayMs: -1 },
      { kind: 'slow-write' },
      { kind: 'reset', status: 503 },
      { status: 503, sed: 1 },
    ]) {
      const res = await admin('POST', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.match(((await res.json()) as { error: string }).error, /\w/);
      assert.throws(() => sandbox.injectFault(bad as never), /Flowroute sandbox: /, JSON.stringify(bad));
    }
    assert.deepEqual(sandbox.snapshot().faults, []);
  });
});

describe('Flowroute sandbox close() with a pending slow write', () => {
  test('close() returns at once and the write is dropped', async () => {
    const sandbox = await startFlowrouteSandbox({ port: 0 });
    sandbox.injectFault({ method: 'POST', path: '/v2/cnams', kind: 'slow-write', delayMs: 10_000 });
    const pending = fetch(`${sandbox.url}/v2/cnams`, {
      method: 'POST',
      headers: { Authorization: AUTH, 'Content-Type': JSON_API },
      body: JSON.stringify({ value: 'Never Co' }),
    });
    await eventually(() => sandbox.snapshot().requestCounts['POST /v2/cnams'], 'the request to arrive');
    const started = Date.now();
    await sandbox.close();
    assert.ok(Date.now() - started < 1000, 'close() waited for the slow write');
    await expectConnectionError(pending);
    assert.deepEqual(sandbox.snapshot().records, []);
  });
});

describe('Flowroute sandbox connection faults in-process (app.request)', () => {
  test('app.request rejects with ConnectionDropped; lost-response still applies the write', async () => {
    const sb = createFlowrouteSandboxApp();
    const post = async () =>
      sb.app.request('/v2/cnams', {
        method: 'POST',
        headers: { Authorization: AUTH, 'Content-Type': JSON_API },
        body: '{"value":"Inproc Co"}',
      });
    sb.injectFault({ path: '/v2/cnams', kind: 'reset' });
    await assert.rejects(post(), ConnectionDropped);
    assert.equal(sb.snapshot().records.length, 0);
    sb.injectFault({ path: '/v2/cnams', kind: 'lost-response' });
    await assert.rejects(post(), ConnectionDropped);
    assert.deepEqual(
      sb.snapshot().records.map((r) => r.value),
      ['INPROC CO'],
    );
    sb.dispose();
  });
});
