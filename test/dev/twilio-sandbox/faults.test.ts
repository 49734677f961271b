import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { conformanceErrors } from './openapi-validator';
import { CNAM_POLICY_SID, expectRestError, pointAt, recorded, startTestSandbox, type TestSandbox } from './helpers';

describe('injected faults', () => {
  let t: TestSandbox;
  const createTp = () =>
    t.client.trusthub.v1.trustProducts.create({ email: 'a@b.c', friendlyName: 'f', policySid: CNAM_POLICY_SID });
  const admin = (path: string, init?: RequestInit) => fetch(`${t.sandbox.url}/__sandbox${path}`, init);
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.sandbox.close());

  test('a 500 hits only the next matching request', async () => {
    t.sandbox.injectFault({ method: 'post', path: '/v1/TrustProducts', status: 500 });
    await t.client.trusthub.v1.trustProducts.list(); // GET does not match
    await expectRestError(createTp(), { status: 500, code: 20500, message: 'An internal server error has occurred' });
    assert.equal((await createTp()).status, 'draft');
  });

  test("a 429 carries Retry-After, visible on the http client's lastResponse", async () => {
    const res = await admin('/faults', {
      method: 'POST',
      body: JSON.stringify({ path: '/v1/TrustProducts', status: 429, retryAfterSeconds: 7 }),
    });
    assert.equal(res.status, 201);
    await expectRestError(t.client.trusthub.v1.trustProducts.list(), {
      status: 429,
      code: 20429,
      message: 'Too Many Requests',
    });
    // RestException has no headers; the SDK's RequestClient keeps the last response.
    assert.equal(t.client.httpClient.lastResponse?.headers['retry-after'], '7');
    assert.equal(t.client.httpClient.lastResponse?.statusCode, 429);
  });

  test("the SDK's autoRetry option rides out 429s", async () => {
    t.sandbox.injectFault({ path: '/2010-04-01', status: 429, count: 2 });
    const retrying = pointAt(
      twilio(t.sandbox.accountSid, t.sandbox.authToken, { autoRetry: true, maxRetries: 3 }),
      t.sandbox.url,
    );
    const numbers = await retrying.incomingPhoneNumbers.list();
    assert.equal(numbers.length, 7);
    const hits = recorded.filter(({ exchange }) => exchange.path.startsWith('/2010-04-01') && exchange.status === 429);
    assert.equal(hits.length, 2);
  });

  test('count, delay-only faults, faults before auth, and clearing', async () => {
    t.sandbox.injectFault({ method: 'GET', path: '/v1/EndUsers', status: 503, count: 2 });
    await expectRestError(t.client.trusthub.v1.endUsers.list(), { status: 503, code: 20503 });
    await expectRestError(t.client.trusthub.v1.endUsers.list(), { status: 503, code: 20503 });
    assert.deepEqual(await t.client.trusthub.v1.endUsers.list(), []);

    t.sandbox.injectFault({ path: '/v1/CustomerProfiles', delayMs: 150 });
    const started = Date.now();
    assert.equal((await t.client.trusthub.v1.customerProfiles.list()).length, 2);
    assert.ok(Date.now() - started >= 140, 'delay not applied');

    t.sandbox.injectFault({ path: '/v1', status: 502, code: 20502, message: 'upstream' });
    const anon = await fetch(`${t.sandbox.url}/v1/TrustProducts`);
    assert.equal(anon.status, 502);
    assert.deepEqual(await anon.json(), {
      code: 20502,
      message: 'upstream',
      more_info: 'https://www.twilio.com/docs/errors/20502',
      status: 502,
    });

    t.sandbox.injectFault({ status: 500, count: 100 });
    assert.equal((await admin('/faults', { method: 'DELETE' })).status, 204);
    await t.client.trusthub.v1.trustProducts.list(); // would be a 500 if the fault were still armed
    assert.deepEqual(t.sandbox.state.faults, []);
  });

  test('malformed faults are refused', async () => {
    for (const body of [{ status: 200 }, { status: 500, count: 0 }, {}]) {
      const res = await admin('/faults', { method: 'POST', body: JSON.stringify(body) });
      assert.equal(res.status, 400, JSON.stringify(body));
    }
    assert.throws(() => t.sandbox.injectFault({ status: 99 }));
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.some(({ exchange }) => exchange.status === 429));
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
