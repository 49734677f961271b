import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTwilioSandboxApp } from '../../../dev/sandbox/twilio';
import { conformanceErrors } from './openapi-validator';
import {
  CNAM_POLICY_SID,
  expectRestError,
  fakeClock,
  startTestSandbox,
  type Recorded,
  type TestSandbox,
} from './helpers';

const TOO_MANY = {
  code: 20429,
  message: 'Too Many Requests',
  more_info: 'https://www.twilio.com/docs/errors/20429',
  status: 429,
};

// Time is the sandbox's injected clock, so the bucket refills only when a test advances it.
describe('Twilio sandbox rate limit', () => {
  const clock = fakeClock();
  // This file's own exchanges, so the conformance check sees its 429s and nothing else.
  const log: Recorded[] = [];
  let t: TestSandbox;
  const auth = () => ({
    Authorization: `Basic ${Buffer.from(`${t.sandbox.accountSid}:${t.sandbox.authToken}`).toString('base64')}`,
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${t.sandbox.url}${path}`, { ...init, headers: { ...auth(), ...init.headers } });
  const admin = (path: string, init: RequestInit = {}) => fetch(`${t.sandbox.url}/__sandbox${path}`, init);
  const putLimit = (body: string) => admin('/rate-limit', { method: 'PUT', body });
  const createTp = (friendlyName: string) =>
    t.client.trusthub.v1.trustProducts.create({ email: 'ops@example.com', friendlyName, policySid: CNAM_POLICY_SID });
  /** Statuses of `n` list requests sent one after another, advancing the clock `stepMs` before each. */
  const listStatuses = async (n: number, stepMs = 0) => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      clock.advance(stepMs);
      const res = await api('/v1/TrustProducts');
      await res.arrayBuffer();
      out.push(res.status);
    }
    return out;
  };

  before(async () => {
    t = await startTestSandbox({ now: clock.now, rateLimit: { requestsPerSecond: 2 } }, log);
  });
  after(() => t.sandbox.close());
  beforeEach(() => t.sandbox.reset());

  test('over the limit: 429 / 20429 without Retry-After, and nothing applied', async () => {
    await createTp('CNAM one');
    await createTp('CNAM two');
    await expectRestError(createTp('CNAM three'), { status: 429, code: 20429, message: 'Too Many Requests' });
    // RestException has no headers; the SDK's RequestClient keeps the last response.
    assert.equal(t.client.httpClient.lastResponse?.statusCode, 429);
    assert.equal(t.client.httpClient.lastResponse?.headers['retry-after'], undefined);

    const res = await api('/v1/EndUsers', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ FriendlyName: 'eu', Type: 'cnam_information', Attributes: '{}' }).toString(),
    });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), null);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), TOO_MANY);
    // Before auth: a refused request reaches nothing behind the limit.
    const anonymous = await fetch(
      `${t.sandbox.url}/2010-04-01/Accounts/${t.sandbox.accountSid}/IncomingPhoneNumbers.json`,
    );
    assert.equal(anonymous.status, 429);
    assert.deepEqual(await anonymous.json(), TOO_MANY);

    assert.deepEqual(
      [...t.sandbox.state.trustProducts.values()].map((tp) => tp.friendlyName),
      ['CNAM one', 'CNAM two'],
    );
    assert.equal(t.sandbox.state.endUsers.size, 0);
    assert.deepEqual(t.sandbox.state.writeCounts, { 'POST /v1/TrustProducts': 2 });
    assert.equal(t.sandbox.state.requestCounts['POST /v1/TrustProducts'], 3, 'the refused request arrived');
    assert.equal(t.sandbox.state.http429, 3);

    // Half a second at 2/s brings one token back: one more request, not two.
    clock.advance(500);
    assert.equal((await createTp('CNAM three')).status, 'draft');
    await expectRestError(createTp('CNAM four'), { status: 429, code: 20429 });
  });

  test('under the limit nothing is refused: steady at the rate, a full burst then the rate, or no limit', async () => {
    t.sandbox.setRateLimit({ requestsPerSecond: 5 });
    assert.deepEqual(new Set(await listStatuses(40, 200)), new Set([200]));
    clock.advance(1_000);
    // The bucket's promise: a whole burst at once, then traffic at the rate right after it.
    assert.deepEqual(new Set([...(await listStatuses(5)), ...(await listStatuses(20, 200))]), new Set([200]));
    for (const name of ['steady a', 'steady b', 'steady c', 'steady d']) {
      clock.advance(200);
      await createTp(name);
    }

    t.sandbox.setRateLimit(null);
    assert.deepEqual(new Set(await listStatuses(100)), new Set([200]));
    assert.equal(t.sandbox.state.http429, 0);
  });

  test('the admin route turns the limit on and off, and refuses malformed limits', async () => {
    assert.deepEqual(await (await admin('/rate-limit')).json(), { requestsPerSecond: 2, burst: 2 });
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
    assert.deepEqual(t.sandbox.rateLimit(), { requestsPerSecond: 3, burst: 6 });
    assert.deepEqual(await listStatuses(7), [200, 200, 200, 200, 200, 200, 429]);

    for (const body of [
      '',
      'not json',
      '"ten"',
      '[10]',
      '{}',
      '{"requestsPerSecond": 0}',
      '{"requestsPerSecond": "10"}',
      '{"requestsPerSecond": 1, "burst": 0}',
      '{"requestsPerSecond": 1, "burst": 1.5}',
      '{"requestsPerSecond": 1, "rps": 1}',
    ]) {
      const res = await putLimit(body);
      assert.equal(res.status, 400, body);
      assert.equal(((await res.json()) as { code: number }).code, 20001, body);
    }
    assert.deepEqual(t.sandbox.rateLimit(), { requestsPerSecond: 3, burst: 6 }, 'a refused change changes nothing');
    assert.throws(() => t.sandbox.setRateLimit({ requestsPerSecond: -1 }), /requestsPerSecond/);
    assert.throws(() => createTwilioSandboxApp({ rateLimit: { requestsPerSecond: 1, burst: 0 } }), /burst/);
  });

  test('admin routes are never limited and take no token', async () => {
    t.sandbox.setRateLimit({ requestsPerSecond: 1, burst: 2 });
    assert.deepEqual(await listStatuses(1), [200]);
    const { sid } = await createTp('CNAM admin');
    for (let i = 0; i < 10; i++) {
      for (const res of await Promise.all([
        admin('/state'),
        admin('/faults'),
        admin('/callbacks'),
        admin('/rate-limit'),
      ])) {
        assert.equal(res.status, 200);
        await res.arrayBuffer();
      }
    }
    assert.deepEqual(await listStatuses(1), [429]);
    assert.equal(t.sandbox.state.trustProducts.get(sid)?.status, 'draft');
    assert.equal(t.sandbox.state.http429, 1);
    assert.deepEqual(t.sandbox.state.requestCounts, { 'GET /v1/TrustProducts': 2, 'POST /v1/TrustProducts': 1 });
  });

  test('http429 counts every 429 the API sent, injected ones too; reset zeroes it and restores the configured limit', async () => {
    assert.deepEqual(await listStatuses(4), [200, 200, 429, 429]);
    clock.advance(1_000);
    t.sandbox.injectFault({ method: 'GET', path: '/v1/EndUsers', status: 429 });
    await expectRestError(t.client.trusthub.v1.endUsers.list(), { status: 429, code: 20429 });
    const state = (await (await admin('/state')).json()) as { http429: number };
    assert.equal(state.http429, 3);

    await putLimit('null');
    assert.equal((await admin('/reset', { method: 'POST' })).status, 204);
    assert.equal(((await (await admin('/state')).json()) as { http429: number }).http429, 0);
    assert.deepEqual(await (await admin('/rate-limit')).json(), { requestsPerSecond: 2, burst: 2 });
    assert.deepEqual(await listStatuses(3), [200, 200, 429], 'restored with a full bucket');
  });

  test('off by default', () => {
    const plain = createTwilioSandboxApp();
    assert.equal(plain.rateLimit(), null);
    assert.equal(plain.state.http429, 0);
    plain.close();
  });

  test('every response in this file matches the OpenAPI spec, the 429s included', () => {
    const refused = log.filter(({ exchange }) => exchange.status === 429 && !exchange.path.startsWith('/__sandbox'));
    assert.ok(refused.length >= 5);
    assert.ok(refused.some(({ exchange }) => exchange.method === 'POST'));
    assert.deepEqual(conformanceErrors(log), []);
  });
});
