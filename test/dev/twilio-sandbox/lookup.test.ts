import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { startSandboxes } from '../../../dev/sandbox/start';
import type { RunningTwilioSandbox, TwilioSandboxOptions } from '../../../dev/sandbox/twilio';
import {
  buildCnamProduct,
  expectRestError,
  fakeClock,
  startTestSandbox,
  type TestSandbox,
  type TwilioClient,
} from './helpers';

const HOUR = 3_600_000;
const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** An SDK client for the sandbox with Lookup pointed at it too, as the product's client does. */
function lookupClient(sandbox: RunningTwilioSandbox, client?: TwilioClient): TwilioClient {
  const c = client ?? twilio(sandbox.accountSid, sandbox.authToken);
  c.trusthub.baseUrl = sandbox.url;
  c.api.baseUrl = sandbox.url;
  c.lookups.baseUrl = sandbox.url;
  return c;
}

/** One caller_name dip through the SDK; twilio-node 6 hands the package over as camelCase CallerNameInfo. */
async function dip(client: TwilioClient, e164: string) {
  const found = await client.lookups.v2.phoneNumbers(e164).fetch({ fields: 'caller_name' });
  const cn = found.callerName;
  return cn && { callerName: cn.callerName, callerType: cn.callerType, errorCode: cn.errorCode };
}

/** Starts a sandbox and a client whose Lookup points at it. */
async function start(options: TwilioSandboxOptions = {}): Promise<TestSandbox> {
  const t = await startTestSandbox(options);
  return { sandbox: t.sandbox, client: lookupClient(t.sandbox, t.client) };
}

function adminOf(sandbox: RunningTwilioSandbox) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      ...(body !== undefined && { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as Record<string, unknown> };
  };
}

describe('Lookup v2 caller_name: the network as numbers answer it', () => {
  let t: TestSandbox;
  let admin: ReturnType<typeof adminOf>;
  before(async () => {
    t = await start();
    admin = adminOf(t.sandbox);
  });
  after(() => t.sandbox.close());

  test("an unregistered US number answers its rate centre, in Lookup v2's PhoneNumber shape", async () => {
    assert.deepEqual(await dip(t.client, '+12065550101'), {
      callerName: 'SEATTLE WA',
      callerType: null,
      errorCode: null,
    });
    const res = await fetch(`${t.sandbox.url}/v2/PhoneNumbers/+12065550101?Fields=caller_name`, {
      headers: { Authorization: basic(t.sandbox.accountSid, t.sandbox.authToken) },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      calling_country_code: '1',
      country_code: 'US',
      phone_number: '+12065550101',
      national_format: '(206) 555-0101',
      valid: true,
      validation_errors: null,
      caller_name: { caller_name: 'SEATTLE WA', caller_type: null, error_code: null },
      sim_swap: null,
      call_forwarding: null,
      line_status: null,
      live_activity: null,
      line_type_intelligence: null,
      identity_match: null,
      reassigned_number: null,
      sms_pumping_risk: null,
      phone_number_quality_score: null,
      pre_fill: null,
      url: `${t.sandbox.url}/v2/PhoneNumbers/+12065550101`,
    });
    // National format reads as US, as Twilio's docs say.
    const national = await t.client.lookups.v2.phoneNumbers('2065550101').fetch({ fields: 'caller_name' });
    assert.equal(national.phoneNumber, '+12065550101');
  });

  test('without Fields=caller_name there is no dip: caller_name is null and nothing is counted', async () => {
    const before = t.sandbox.lookup().dips['+12065550104'] ?? 0;
    const found = await t.client.lookups.v2.phoneNumbers('+12065550104').fetch();
    assert.equal(found.callerName, null);
    assert.equal(found.valid, true);
    assert.equal(t.sandbox.lookup().dips['+12065550104'] ?? 0, before);
  });

  test("answer 'no-data' answers nulls; DELETE goes back to the network", async () => {
    const set = await admin('PUT', '/lookup/numbers/+12065550102', { answer: 'no-data' });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { answer: 'no-data' });
    assert.deepEqual(await dip(t.client, '+12065550102'), { callerName: null, callerType: null, errorCode: null });
    assert.equal((await admin('DELETE', '/lookup/numbers/+12065550102')).status, 204);
    assert.equal((await dip(t.client, '+12065550102'))?.callerName, 'SEATTLE WA');
  });

  test("answer 'name' answers someone else's name verbatim, BUSINESS unless told", async () => {
    await admin('PUT', '/lookup/numbers/+12065550103', { answer: 'name', callerName: 'Rival Plumbing Co' });
    assert.deepEqual(await dip(t.client, '+12065550103'), {
      callerName: 'Rival Plumbing Co',
      callerType: 'BUSINESS',
      errorCode: null,
    });
    const set = await admin('PUT', '/lookup/numbers/+12065550103', { callerType: 'CONSUMER' });
    assert.deepEqual(set.body, { answer: 'name', callerName: 'Rival Plumbing Co', callerType: 'CONSUMER' });
    assert.equal((await dip(t.client, '+12065550103'))?.callerType, 'CONSUMER');
    // A rate centre of one's own, for when the name is dropped.
    await admin('PUT', '/lookup/numbers/+12065550103', { answer: 'network', rateCenter: 'BELLEVUE WA' });
    assert.deepEqual(await dip(t.client, '+12065550103'), {
      callerName: 'BELLEVUE WA',
      callerType: null,
      errorCode: null,
    });
  });

  test('errorCode with errorCount answers the error k times, then as before; without a count, always', async () => {
    const n = '+13125550199';
    const set = await admin('PUT', `/lookup/numbers/${n}`, { errorCode: 60608, errorCount: 2 });
    assert.deepEqual(set.body, { answer: 'network', errorCode: 60608, errorCount: 2 });
    const provider = { callerName: null, callerType: null, errorCode: 60608 };
    assert.deepEqual(await dip(t.client, n), provider);
    assert.deepEqual((await admin('GET', '/lookup')).body.numbers, {
      '+12065550103': {
        answer: 'network',
        callerName: 'Rival Plumbing Co',
        callerType: 'CONSUMER',
        rateCenter: 'BELLEVUE WA',
      },
      [n]: { answer: 'network', errorCode: 60608, errorCount: 1 },
    });
    assert.deepEqual(await dip(t.client, n), provider);
    assert.deepEqual(await dip(t.client, n), { callerName: 'CHICAGO IL', callerType: null, errorCode: null });
    assert.deepEqual(t.sandbox.lookup().numbers[n], { answer: 'network' });

    t.sandbox.setLookupNumber(n, { errorCode: 60606 });
    for (let i = 0; i < 3; i++) assert.equal((await dip(t.client, n))?.errorCode, 60606);
    t.sandbox.setLookupNumber(n, { errorCode: null });
    assert.equal((await dip(t.client, n))?.errorCode, null);
  });

  test('outside the US: 60607 with a null name; an unreadable number is valid:false with no dip', async () => {
    assert.deepEqual(await dip(t.client, '+14165550100'), { callerName: null, callerType: null, errorCode: 60607 });
    const uk = await t.client.lookups.v2.phoneNumbers('+447772000001').fetch({ fields: 'caller_name' });
    assert.equal(uk.countryCode, 'GB');
    assert.equal(uk.nationalFormat, '07772 000001');
    assert.equal(uk.callerName?.errorCode, 60607);
    const bad = await t.client.lookups.v2.phoneNumbers('+141599299600').fetch({ fields: 'caller_name' });
    assert.equal(bad.valid, false);
    assert.deepEqual(bad.validationErrors, ['TOO_LONG']);
    assert.equal(bad.callerName, null);
    assert.equal(bad.countryCode, null);
    assert.equal(t.sandbox.lookup().dips['+141599299600'], undefined);
  });

  test('dips are counted per number (empty and error answers too); reset clears counts and overrides', async () => {
    const counted = (await admin('GET', '/lookup')).body.dips as Record<string, number>;
    assert.deepEqual(counted, {
      '+12065550101': 3,
      '+12065550102': 2,
      '+12065550103': 3,
      '+13125550199': 7,
      '+14165550100': 1,
      '+447772000001': 1,
    });
    assert.equal((await admin('POST', '/reset')).status, 204);
    assert.deepEqual((await admin('GET', '/lookup')).body, { dips: {}, numbers: {} });
  });

  test('bad admin input is a 400 naming the problem', async () => {
    const bad: [string, unknown, RegExp][] = [
      ['+12065550100', { answer: 'maybe' }, /answer must be one of network, no-data, name/],
      ['+12065550100', { errorCount: 2 }, /errorCount needs an errorCode/],
      ['+12065550100', { answer: 'name' }, /answer 'name' needs a callerName/],
      ['+12065550100', { propagationMs: -1 }, /propagationMs must be/],
      ['+12065550100', { callerType: 'business' }, /callerType must be BUSINESS, CONSUMER or null/],
      ['+12065550100', { errorCode: '60608' }, /errorCode must be a positive integer or null/],
      ['+12065550100', { errorcode: 60608 }, /unknown field errorcode/],
      ['+12065550100', [1], /JSON object/],
      ['12065550100', {}, /not an E.164 number/],
    ];
    for (const [n, body, message] of bad) {
      const res = await admin('PUT', `/lookup/numbers/${n}`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.code, 20001);
      assert.match(String(res.body.message), message);
    }
    assert.deepEqual(t.sandbox.lookup().numbers, {});
  });

  test('Lookup goes through the same auth, faults and counters as the rest of the API', async () => {
    const anonymous = await fetch(`${t.sandbox.url}/v2/PhoneNumbers/+12065550100?Fields=caller_name`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: number }).code, 20003);
    const wrong = lookupClient(t.sandbox, twilio(t.sandbox.accountSid, 'not-the-token'));
    await expectRestError(dip(wrong, '+12065550100'), { status: 401, code: 20003, message: 'Authenticate' });
    assert.equal(t.sandbox.lookup().dips['+12065550100'], undefined);

    t.sandbox.injectFault({ path: '/v2/PhoneNumbers', status: 503 });
    await expectRestError(dip(t.client, '+12065550100'), { status: 503, code: 20503 });
    assert.equal((await dip(t.client, '+12065550100'))?.callerName, 'SEATTLE WA');
    assert.equal(t.sandbox.lookup().dips['+12065550100'], 1);
    assert.equal(t.sandbox.state.requestCounts['GET /v2/PhoneNumbers/:phoneNumber'], 4);
  });

  test('an API key authenticates Lookup too', async () => {
    const key = { sid: `SK${'4'.repeat(32)}`, secret: 'key-secret' };
    const k = await start({ apiKeys: [key] });
    try {
      const client = lookupClient(k.sandbox, twilio(key.sid, key.secret, { accountSid: k.sandbox.accountSid }));
      assert.equal((await dip(client, '+12065550100'))?.callerName, 'SEATTLE WA');
    } finally {
      await k.sandbox.close();
    }
  });
});

describe('Lookup v2 caller_name: a name registered at Twilio, once it has propagated', () => {
  test('default before approval and during propagation, the name (upper-cased, 15 characters) after', async () => {
    const clock = fakeClock();
    const t = await start({ now: clock.now, autoReview: false, lookupPropagationMs: 48 * HOUR });
    try {
      const { trustProductSid } = await buildCnamProduct(t.client, {
        profileSid: t.sandbox.defaultBusinessProfileSid,
        phoneNumber: '+12065550100',
        displayName: 'Acme Plumbing Services',
      });
      const seattle = { callerName: 'SEATTLE WA', callerType: null, errorCode: null };
      const acme = { callerName: 'ACME PLUMBING S', callerType: 'BUSINESS', errorCode: null };
      assert.deepEqual(await dip(t.client, '+12065550100'), seattle);
      await t.client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
      clock.advance(HOUR);
      assert.deepEqual(await dip(t.client, '+12065550100'), seattle);
      t.sandbox.approve(trustProductSid);
      clock.advance(48 * HOUR - 1);
      assert.deepEqual(await dip(t.client, '+12065550100'), seattle);
      // A number of its own propagation shows it at once; dropping the override restores the 48 h.
      t.sandbox.setLookupNumber('+12065550100', { propagationMs: 0 });
      assert.deepEqual(await dip(t.client, '+12065550100'), acme);
      t.sandbox.clearLookupNumber('+12065550100');
      assert.deepEqual(await dip(t.client, '+12065550100'), seattle);
      clock.advance(1);
      assert.deepEqual(await dip(t.client, '+12065550100'), acme);
      // Unassigned from the product, the number is unregistered again (the sandbox keeps no history).
      const [a] = await t.client.trusthub.v1
        .trustProducts(trustProductSid)
        .trustProductsChannelEndpointAssignment.list();
      assert.ok(a);
      await t.client.trusthub.v1.trustProducts(trustProductSid).trustProductsChannelEndpointAssignment(a.sid).remove();
      assert.deepEqual(await dip(t.client, '+12065550100'), seattle);
    } finally {
      await t.sandbox.close();
    }
  });

  test('a rejected product registers nothing', async () => {
    const t = await start({ autoReview: false });
    try {
      const { trustProductSid } = await buildCnamProduct(t.client, { profileSid: t.sandbox.defaultBusinessProfileSid });
      await t.client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
      t.sandbox.reject(trustProductSid, 11008);
      assert.equal((await dip(t.client, '+12065550100'))?.callerName, 'SEATTLE WA');
    } finally {
      await t.sandbox.close();
    }
  });
});

describe('Lookup v2 caller_name: a Flowroute number through startSandboxes', () => {
  test("the Flowroute account's approved preset is what the network shows", async () => {
    const sandboxes = await startSandboxes({ flowroutePort: 0, twilioPort: 0, flowrouteApprovalDelayMs: 0 });
    try {
      const env = sandboxes.workerEnv;
      const flowroute = (path: string, init: RequestInit = {}) =>
        fetch(`${env.FLOWROUTE_BASE_URL}${path}`, {
          ...init,
          headers: {
            Authorization: basic(env.FLOWROUTE_ACCESS_KEY ?? '', env.FLOWROUTE_SECRET_KEY ?? ''),
            'Content-Type': 'application/json',
          },
        });
      const client = lookupClient(sandboxes.twilio);
      assert.deepEqual(await dip(client, '+13125550100'), {
        callerName: 'CHICAGO IL',
        callerType: null,
        errorCode: null,
      });

      const created = await flowroute('/v2/cnams', {
        method: 'POST',
        body: JSON.stringify({ value: 'Windy City Pies' }),
      });
      assert.equal(created.status, 201);
      const { data } = (await created.json()) as { data: { id: string } };
      assert.equal((await flowroute(`/v2/cnams/${data.id}`)).status, 200); // decides the review (delay 0)
      assert.equal(sandboxes.flowroute.registeredCnam('+13125550100'), null);
      const assigned = await flowroute(`/v2/numbers/13125550100/relationships/cnams/${data.id}`, { method: 'PATCH' });
      assert.equal(assigned.status, 202);

      assert.deepEqual(await dip(client, '+13125550100'), {
        callerName: 'WINDY CITY PIES',
        callerType: 'BUSINESS',
        errorCode: null,
      });
      const registered = sandboxes.flowroute.registeredCnam('+13125550100');
      assert.equal(registered?.name, 'WINDY CITY PIES');
      assert.ok(registered && registered.sinceMs <= Date.now());
    } finally {
      await sandboxes.close();
    }
  });
});
