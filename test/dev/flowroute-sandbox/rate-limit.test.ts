import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createFlowrouteSandboxApp, type RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import { startSandboxes } from '../../../dev/sandbox/start';
import {
  MEDIA,
  UUID_V4,
  basicAuthHeader,
  cnamApi,
  manualClock,
  rawFetch,
  startSandbox,
  type ErrorDoc,
} from './helpers';

// Time is the sandbox's injected clock, so the bucket refills only when a test advances it.
describe('Flowroute sandbox rate limit (raw HTTP)', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  let api: ReturnType<typeof cnamApi>;
  const get = (path: string, init: Parameters<typeof rawFetch>[1] = {}) => rawFetch(`${sandbox.url}${path}`, init);
  const admin = (path: string, init: RequestInit = {}) => fetch(`${sandbox.url}/__sandbox${path}`, init);
  const putLimit = (body: string) => admin('/rate-limit', { method: 'PUT', body });
  /** Statuses of `n` list requests sent one after another, advancing the clock `stepMs` before each. */
  const listStatuses = async (n: number, stepMs = 0) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      clock.advance(stepMs);
      const res = await get('/v2/cnams');
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };

  before(async () => {
    sandbox = await startSandbox({ now: clock.now, approvalDelayMs: 0, rateLimit: { requestsPerSecond: 2 } });
    api = cnamApi(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test("over the limit: 429 in Flowroute's error format with Retry-After, and nothing applied", async () => {
    assert.deepEqual(await (await admin('/rate-limit')).json(), { requestsPerSecond: 2, burst: 2 });
    await api.created('First Co');
    const second = await api.created('Second Co');

    const res = await get('/v2/cnams', {
      method: 'POST',
      headers: { 'Content-Type': MEDIA },
      body: JSON.stringify({ value: 'Third Co' }),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('content-type'), MEDIA);
    assert.equal(res.headers.get('retry-after'), '1');
    const { errors } = (await res.json()) as ErrorDoc;
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.id ?? '', UUID_V4);
    assert.equal(errors[0]?.status, 429);
    assert.equal(errors[0]?.title, 'Too Many Requests');
    assert.match(errors[0]?.detail ?? '', /2 requests per second/);

    // Writes and reads alike, and before auth: a refused request reaches nothing behind the limit.
    assert.equal((await api.assign('12065550100', second.id)).status, 429);
    assert.equal((await get(`/v2/cnams/${second.id}`, { method: 'DELETE' })).status, 429);
    assert.equal((await get('/v2/cnams', { auth: basicAuthHeader('wrong', 'wrong') })).status, 429);

    const snap = sandbox.snapshot();
    assert.deepEqual(
      snap.records.map((r) => r.value),
      ['FIRST CO', 'SECOND CO'],
    );
    assert.deepEqual(snap.assignments, {});
    assert.deepEqual(snap.writeCounts, { 'POST /v2/cnams': 2 });
    assert.equal(snap.requestCounts['POST /v2/cnams'], 3, 'the refused request arrived');
    assert.equal(snap.http429, 4);

    // Half a second at 2/s brings one token back: one more request, not two.
    clock.advance(500);
    await api.created('Third Co');
    assert.equal((await api.create('Fourth Co')).status, 429);
  });

  test('Retry-After is the whole seconds until a token is back, at least 1', async () => {
    sandbox.setRateLimit({ requestsPerSecond: 0.25 });
    const retryAfter = async () => {
      const res = await get('/v2/cnams');
      await res.arrayBuffer();
      return res.status === 429 ? res.headers.get('retry-after') : res.status;
    };
    assert.equal(await retryAfter(), 200);
    assert.equal(await retryAfter(), '4');
    clock.advance(3_000);
    assert.equal(await retryAfter(), '1');
    clock.advance(900);
    assert.equal(await retryAfter(), '1', 'a 100 ms wait still says 1');
    clock.advance(100);
    assert.equal(await retryAfter(), 200);
  });

  test('under the limit nothing is refused: steady at the rate, a full burst then the rate, or no limit', async () => {
    sandbox.setRateLimit({ requestsPerSecond: 5 });
    assert.deepEqual(new Set(await listStatuses(40, 200)), new Set([200]));
    clock.advance(1_000);
    // The bucket's promise: a whole burst at once, then traffic at the rate right after it.
    assert.deepEqual(new Set([...(await listStatuses(5)), ...(await listStatuses(20, 200))]), new Set([200]));
    for (const name of ['Steady A', 'Steady B', 'Steady C', 'Steady D', 'Steady E', 'Steady F']) {
      clock.advance(200);
      await api.created(name);
    }

    sandbox.setRateLimit(null);
    assert.deepEqual(new Set(await listStatuses(100)), new Set([200]));
    assert.equal(sandbox.snapshot().http429, 0);
  });

  test('the admin route turns the limit on and off, and refuses malformed limits', async () => {
    const off = await putLimit('null');
    assert.equal(off.status, 200);
    assert.equal(await off.json(), null);
    assert.equal(await (await admin('/rate-limit')).json(), null);
    assert.deepEqual(new Set(await listStatuses(20)), new Set([200]));

    const on = await putLimit(JSON.stringify({ requestsPerSecond: 1 }));
    assert.deepEqual(await on.json(), { requestsPerSecond: 1, burst: 1 });
    assert.deepEqual(await listStatuses(2), [200, 429]);

    // A new limit starts with a full bucket.
    await putLimit(JSON.stringify({ requestsPerSecond: 3, burst: 6 }));
    assert.deepEqual(sandbox.rateLimit(), { requestsPerSecond: 3, burst: 6 });
    assert.deepEqual(await listStatuses(7), [200, 200, 200, 200, 200, 200, 429]);

    for (const body of [
      '',
      'not json',
      '"ten"',
      '[10]',
      '{}',
      '{"requestsPerSecond": 0}',
      '{"requestsPerSecond": -1}',
      '{"requestsPerSecond": "10"}',
      '{"requestsPerSecond": 1, "burst": 0}',
      '{"requestsPerSecond": 1, "burst": 1.5}',
      '{"requestsPerSecond": 1, "rps": 1}',
    ]) {
      const res = await putLimit(body);
      assert.equal(res.status, 400, body);
      assert.equal(typeof ((await res.json()) as { error: unknown }).error, 'string', body);
    }
    assert.deepEqual(sandbox.rateLimit(), { requestsPerSecond: 3, burst: 6 }, 'a refused change changes nothing');
    assert.throws(() => sandbox.setRateLimit({ requestsPerSecond: 0 }), /requestsPerSecond/);
    await assert.rejects(startSandbox({ rateLimit: { requestsPerSecond: 1, burst: 0 } }), /burst/);
  });

  test('admin routes are never limited and take no token', async () => {
    sandbox.setRateLimit({ requestsPerSecond: 1, burst: 2 });
    assert.deepEqual(await listStatuses(1), [200]);
    const { id } = await api.created('Admin Co');
    for (let i = 0; i < 10; i++) {
      for (const res of await Promise.all([
        admin('/state'),
        admin('/faults'),
        admin('/rate-limit'),
        admin(`/cnams/${id}/approve`, { method: 'POST' }),
      ])) {
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
    }
    assert.deepEqual(await listStatuses(1), [429]);
    const snap = sandbox.snapshot();
    assert.equal(snap.http429, 1);
    assert.deepEqual(snap.requestCounts, { 'GET /v2/cnams': 2, 'POST /v2/cnams': 1 });
  });

  test('http429 counts every 429 the API sent, injected ones too; reset zeroes it and restores the configured limit', async () => {
    assert.deepEqual(await listStatuses(4), [200, 200, 429, 429]);
    clock.advance(1_000);
    sandbox.injectFault({ method: 'GET', path: '/v2/numbers', status: 429, retryAfterSeconds: 9 });
    const injected = await get('/v2/numbers/12065550100');
    assert.equal(injected.status, 429);
    assert.equal(injected.headers.get('retry-after'), '9');
    const state = (await (await admin('/state')).json()) as { http429: number };
    assert.equal(state.http429, 3);

    await putLimit('null');
    assert.equal((await admin('/reset', { method: 'POST' })).status, 204);
    assert.equal(sandbox.snapshot().http429, 0);
    assert.deepEqual(await (await admin('/rate-limit')).json(), { requestsPerSecond: 2, burst: 2 });
    assert.deepEqual(await listStatuses(3), [200, 200, 429], 'restored with a full bucket');
  });

  test('off by default', () => {
    const plain = createFlowrouteSandboxApp();
    assert.equal(plain.rateLimit(), null);
    assert.equal(plain.snapshot().http429, 0);
    plain.dispose();
  });
});

describe('startSandboxes passes the limit to both sandboxes', () => {
  test('each has its own bucket', async () => {
    // One request per 100 s on the wall clock: the second, sent at once, is refused however slow the machine.
    const sandboxes = await startSandboxes({ rateLimit: { requestsPerSecond: 0.01 } });
    try {
      const env = sandboxes.workerEnv;
      const flowroute = () =>
        fetch(`${env.FLOWROUTE_BASE_URL}/v2/cnams`, {
          headers: { Authorization: basicAuthHeader(env.FLOWROUTE_ACCESS_KEY, env.FLOWROUTE_SECRET_KEY) },
        });
      const twilio = () =>
        fetch(`${env.TWILIO_BASE_URL}/v1/TrustProducts`, {
          headers: { Authorization: basicAuthHeader(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN) },
        });
      assert.equal((await flowroute()).status, 200);
      assert.equal((await twilio()).status, 200);
      assert.equal((await flowroute()).status, 429);
      assert.equal((await twilio()).status, 429);
      assert.equal(sandboxes.flowroute.snapshot().http429, 1);
      assert.equal(sandboxes.twilio.state.http429, 1);
    } finally {
      await sandboxes.close();
    }
  });
});
