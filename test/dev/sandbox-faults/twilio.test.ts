import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import twilio from 'twilio';
import { startTwilioSandbox } from '../../../dev/sandbox/twilio';
import { conformanceErrors } from '../twilio-sandbox/openapi-validator';
import {
  CNAM_POLICY_SID,
  expectRestError,
  pointAt,
  recorded,
  startTestSandbox,
  type TestSandbox,
} from '../twilio-sandbox/helpers';
import { eventually, expectConnectionError, sleep, statuses } from './helpers';

describe('Twilio sandbox network faults over a real socket', () => {
  let t: TestSandbox;
  const th = () => t.client.trusthub.v1;
  const createTp = (client = t.client) =>
    client.trusthub.v1.trustProducts.create({
      email: 'ops@example.com',
      friendlyName: 'CNAM +12065550100',
      policySid: CNAM_POLICY_SID,
    });
  const createEndUser = () =>
    th().endUsers.create({
      friendlyName: 'cnam',
      type: 'cnam_information',
      attributes: { cnam_display_name: 'ACME PLUMBING' },
    });
  const admin = (method: string, body?: unknown) =>
    fetch(`${t.sandbox.url}/__sandbox/faults`, { method, ...(body !== undefined && { body: JSON.stringify(body) }) });
  const auth = () => `Basic ${Buffer.from(`${t.sandbox.accountSid}:${t.sandbox.authToken}`).toString('base64')}`;
  const listEndUsers = () => fetch(`${t.sandbox.url}/v1/EndUsers`, { headers: { Authorization: auth() } });

  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.sandbox.close());
  beforeEach(() => t.sandbox.reset());

  test('reset: the SDK sees a connection error and nothing is created', async () => {
    assert.equal((await admin('POST', { method: 'POST', path: '/v1/EndUsers', kind: 'reset' })).status, 201);
    await expectConnectionError(createEndUser());
    assert.deepEqual(await th().endUsers.list(), []);
    assert.equal(t.sandbox.state.requestCounts['POST /v1/EndUsers'], 1, 'the request arrived');
    assert.equal(t.sandbox.state.writeCounts['POST /v1/EndUsers'], undefined, 'but nothing was written');
  });

  for (const [path, create, list] of [
    ['/v1/TrustProducts', () => createTp(), () => th().trustProducts.list()],
    ['/v1/EndUsers', createEndUser, () => th().endUsers.list()],
  ] as const) {
    test(`lost-response on POST ${path}: the SDK sees a connection error, yet the resource exists`, async () => {
      t.sandbox.injectFault({ method: 'POST', path, kind: 'lost-response' });
      await expectConnectionError(create());
      const found = await list();
      assert.equal(found.length, 1);
      assert.match(found[0]!.sid, /^(BU|IT)[0-9a-f]{32}$/);
      assert.equal(t.sandbox.state.writeCounts[`POST ${path}`], 1);
    });
  }

  test('slow-write: the SDK times out, the Trust Product still lands after delayMs', async () => {
    t.sandbox.injectFault({ method: 'POST', path: '/v1/TrustProducts', kind: 'slow-write', delayMs: 400 });
    const impatient = pointAt(twilio(t.sandbox.accountSid, t.sandbox.authToken, { timeout: 50 }), t.sandbox.url);
    const started = Date.now();
    await assert.rejects(
      createTp(impatient),
      (err: Error & { code?: string }) => err.code === 'ECONNABORTED' || /timeout/i.test(err.message),
    );
    assert.equal(t.sandbox.state.trustProducts.size, 0, 'not written before delayMs');
    await eventually(() => (t.sandbox.state.trustProducts.size ? true : undefined), 'the slow create');
    assert.ok(Date.now() - started >= 380, 'landed before delayMs');
    assert.deepEqual(
      (await th().trustProducts.list()).map((p) => p.status),
      ['draft'],
    );
  });

  test('rate 1.0 fails every matching request; rate 0.5 about half of 200', async () => {
    t.sandbox.injectFault({ method: 'GET', path: '/v1/EndUsers', status: 503, rate: 1 });
    assert.deepEqual(new Set(await statuses(200, listEndUsers)), new Set([503]));
    assert.deepEqual(
      t.sandbox.faults().map((f) => [f.remaining, f.matched, f.fired]),
      [[null, 200, 200]],
    );
    assert.equal((await admin('DELETE')).status, 204);

    const { fault } = (await (await admin('POST', { path: '/v1/EndUsers', status: 500, rate: 0.5 })).json()) as {
      fault: { rate: number };
    };
    assert.equal(fault.rate, 0.5);
    const failed = (await statuses(200, listEndUsers)).filter((s) => s === 500).length;
    assert.ok(failed >= 60 && failed <= 140, `${failed} of 200 failed`);
    const { faults } = (await (await admin('GET')).json()) as { faults: { fired: number; matched: number }[] };
    assert.deepEqual(
      faults.map((f) => [f.matched, f.fired]),
      [[200, failed]],
    );
  });

  test('a seeded rate fails the same requests in two sandboxes', async () => {
    const other = await startTwilioSandbox();
    try {
      const pattern = async (sb: { injectFault: typeof t.sandbox.injectFault; url: string }) => {
        sb.injectFault({ path: '/v1/EndUsers', status: 500, rate: 0.25, seed: 7 });
        const got = await statuses(40, () => fetch(`${sb.url}/v1/EndUsers`, { headers: { Authorization: auth() } }));
        return got.map((s) => (s === 500 ? 'x' : '.')).join('');
      };
      const a = await pattern(t.sandbox);
      assert.equal(await pattern(other), a);
      assert.match(a, /x.*\.|\..*x/);
    } finally {
      await other.close();
    }
  });

  test('429: Retry-After: 1 by default, none with retryAfterSeconds null', async () => {
    t.sandbox.injectFault({ path: '/2010-04-01', status: 429 });
    await expectRestError(t.client.incomingPhoneNumbers.list(), {
      status: 429,
      code: 20429,
      message: 'Too Many Requests',
    });
    assert.equal(t.client.httpClient.lastResponse?.headers['retry-after'], '1');
    t.sandbox.injectFault({ path: '/2010-04-01', status: 429, retryAfterSeconds: null });
    await expectRestError(t.client.incomingPhoneNumbers.list(), { status: 429, code: 20429 });
    assert.equal(t.client.httpClient.lastResponse?.statusCode, 429);
    assert.equal(t.client.httpClient.lastResponse?.headers['retry-after'], undefined);
  });

  test('malformed faults: 400 / 20001 from the admin endpoint, a throw from the control', async () => {
    for (const bad of [
      { kind: 'explode' },
      { status: 503, rate: 0 },
      { status: 503, rate: 2 },
      { status: 503, delayMs: -5 },
      { kind: 'slow-write' },
    ]) {
      const res = await admin('POST', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(((await res.json()) as { code: number }).code, 20001);
      assert.throws(() => t.sandbox.injectFault(bad as never), { name: 'TwilioApiError' });
    }
    assert.deepEqual(t.sandbox.state.faults, []);
  });

  test('every answered response in this file matches the OpenAPI spec', () => {
    assert.ok(
      recorded.some(({ exchange }) => exchange.status === 429 && exchange.headers['retry-after'] === undefined),
    );
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});

describe('Twilio sandbox close() with a pending slow write', () => {
  test('close() returns at once and the write is dropped', async () => {
    const { sandbox, client } = await startTestSandbox();
    sandbox.injectFault({ method: 'POST', path: '/v1/EndUsers', kind: 'slow-write', delayMs: 10_000 });
    const pending = client.trusthub.v1.endUsers.create({ friendlyName: 'x', type: 'cnam_information', attributes: {} });
    await eventually(() => sandbox.state.requestCounts['POST /v1/EndUsers'], 'the request to arrive');
    const started = Date.now();
    await sandbox.close();
    assert.ok(Date.now() - started < 1000, 'close() waited for the slow write');
    await expectConnectionError(pending);
    await sleep(50);
    assert.equal(sandbox.state.endUsers.size, 0);
  });
});
