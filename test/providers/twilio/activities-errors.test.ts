import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTwilioActivities } from '../../../src/providers/twilio/activities';
import { FailureType } from '../../../src/core/failures';
import { buildProduct, expectFailure, runner, startHarness, type Harness } from './helpers';

const API_KEY = { sid: `SK${'1'.repeat(32)}`, secret: 'key-secret-value' };
const refused = (message?: RegExp) => ({ type: FailureType.ProviderRefused, nonRetryable: true, message });
const unavailable = (message?: RegExp) => ({ type: FailureType.ProviderUnavailable, nonRetryable: false, message });

describe('Twilio activities: credentials and configuration', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apiKeys: [API_KEY] });
  });
  after(() => h.sandbox.close());

  test('no client: ProviderNotConfigured, naming the variables', async () => {
    const run = runner(createTwilioActivities({ twilio: null }), []);
    const f = await expectFailure(run('resolveTwilioPhoneNumber', { e164: '+12065550100' }), {
      type: FailureType.ProviderNotConfigured,
      nonRetryable: true,
    });
    assert.match(
      f.message,
      /TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN \(or TWILIO_API_KEY_SID\/TWILIO_API_KEY_SECRET\)/,
    );
  });

  test('API key auth reaches both trusthub and the 2010 API', async () => {
    const run = h.runWith({ authToken: undefined, apiKeySid: API_KEY.sid, apiKeySecret: API_KEY.secret });
    assert.match((await run('resolveTwilioPhoneNumber', { e164: '+12065550100' })).phoneNumberSid, /^PN/);
    assert.equal(
      (await run('getBusinessProfile', { businessProfileSid: h.sandbox.defaultBusinessProfileSid })).status,
      'twilio-approved',
    );
  });

  test('bad credentials: ProviderRefused 20003, without the secret anywhere', async () => {
    const run = h.runWith({ authToken: 'wrong-token-value' });
    const f = await expectFailure(
      run('getBusinessProfile', { businessProfileSid: h.sandbox.defaultBusinessProfileSid }),
      refused(/^Twilio 401 \(20003\): Authenticate/),
    );
    assert.deepEqual(f.details, [
      { provider: 'twilio', status: 401, code: 20003, moreInfo: 'https://www.twilio.com/docs/errors/20003' },
    ]);
    const badKey = h.runWith({ authToken: undefined, apiKeySid: API_KEY.sid, apiKeySecret: 'wrong-secret-value' });
    await expectFailure(badKey('resolveTwilioPhoneNumber', { e164: '+12065550100' }), refused(/\(20003\)/));
    assert.doesNotMatch(
      JSON.stringify({ f, stack: f.stack, logs: h.logs.map((l) => [l.message, l.meta]) }),
      /wrong-token-value|wrong-secret-value|sandbox-auth-token/,
    );
  });

  test('a number not on the account: ProviderRefused', async () => {
    await expectFailure(
      h.run('resolveTwilioPhoneNumber', { e164: '+12065559999' }),
      refused(/^Number \+12065559999 is not on this Twilio account$/),
    );
  });
});

describe('Twilio activities: numbers Twilio will not take', () => {
  let h: Harness;
  let trustProductSid: string;
  before(async () => {
    h = await startHarness();
    ({ trustProductSid } = (
      await buildProduct(h.run, {
        businessProfileSid: h.sandbox.defaultBusinessProfileSid,
        e164: '+12065550100',
        name: 'wf-refusals',
      })
    ).tp);
  });
  after(() => h.sandbox.close());

  const onProfileThenProduct = async (e164: string) => {
    const { phoneNumberSid } = await h.run('resolveTwilioPhoneNumber', { e164 });
    await h.run('assignNumberToBusinessProfile', {
      businessProfileSid: h.sandbox.defaultBusinessProfileSid,
      phoneNumberSid,
    });
    return h.run('assignNumberToTrustProduct', { trustProductSid, phoneNumberSid });
  };

  test('toll-free', async () => {
    await expectFailure(
      onProfileThenProduct('+18005550100'),
      refused(
        /^Twilio 400 \(20001\): Toll-free numbers cannot be assigned to CNAM Trust Products: \+18005550100 https:\/\/www\.twilio\.com\/docs\/errors\/20001$/,
      ),
    );
  });

  test('Canadian', async () => {
    await expectFailure(onProfileThenProduct('+14165550100'), refused(/Canadian numbers cannot be assigned/));
  });

  test('not on the Business Profile', async () => {
    const { phoneNumberSid } = await h.run('resolveTwilioPhoneNumber', { e164: '+12065550103' });
    await expectFailure(
      h.run('assignNumberToTrustProduct', { trustProductSid, phoneNumberSid }),
      refused(new RegExp(`${phoneNumberSid} is not assigned to Business Profile`)),
    );
    assert.equal(
      [...h.sandbox.state.trustProductAssignments.values()].filter((a) => a.channelEndpointSid === phoneNumberSid)
        .length,
      0,
    );
  });
});

describe('Twilio activities: transient failures are retried', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.sandbox.close());

  test("500: retryable ProviderUnavailable with Twilio's words", async () => {
    h.sandbox.injectFault({ method: 'GET', path: '/v1/TrustProducts', status: 500 });
    const f = await expectFailure(
      h.run('findOrCreateCnamTrustProduct', { friendlyName: 'wf-500', email: 'ops@example.com' }),
      unavailable(/^Twilio 500 \(20500\): An internal server error has occurred/),
    );
    assert.equal(f.nextRetryDelay, undefined);
    assert.equal(h.sandbox.state.trustProducts.size, 0);
  });

  test("429: retryable, nextRetryDelay from this response's Retry-After", async () => {
    h.sandbox.injectFault({ path: '/2010-04-01', status: 429, retryAfterSeconds: 7 });
    const f = await expectFailure(h.run('resolveTwilioPhoneNumber', { e164: '+12065550100' }), unavailable(/429/));
    assert.equal(f.nextRetryDelay, 7000);
  });

  test('408 and a 409 on create: retryable, like 429 and 5xx', async () => {
    h.sandbox.injectFault({ path: '/v1/CustomerProfiles', status: 408 });
    await expectFailure(
      h.run('getBusinessProfile', { businessProfileSid: h.sandbox.defaultBusinessProfileSid }),
      unavailable(/^Twilio 408 /),
    );
    h.sandbox.injectFault({ method: 'POST', path: '/v1/TrustProducts', status: 409 });
    await expectFailure(
      h.run('findOrCreateCnamTrustProduct', { friendlyName: 'wf-409', email: 'ops@example.com' }),
      unavailable(/^Twilio 409 /),
    );
    assert.equal(h.sandbox.state.trustProducts.size, 0);
  });

  test('429 without Retry-After (Twilio 20429 promises none): retryable, on the normal backoff', async () => {
    h.sandbox.injectFault({ path: '/2010-04-01', status: 429, code: 20429, retryAfterSeconds: null });
    const f = await expectFailure(h.run('resolveTwilioPhoneNumber', { e164: '+12065550100' }), unavailable(/429/));
    assert.equal(f.nextRetryDelay, undefined);
  });

  test('timeout: retryable', async () => {
    h.sandbox.injectFault({ path: '/v1/CustomerProfiles', delayMs: 400 });
    const run = h.runWith({ timeoutMs: 100 });
    await expectFailure(
      run('getBusinessProfile', { businessProfileSid: h.sandbox.defaultBusinessProfileSid }),
      unavailable(/^Twilio unreachable \(GET \/v1\/CustomerProfiles\/BU\w+\): ECONNABORTED/),
    );
  });

  test('connection refused: retryable, no credentials in the failure', async () => {
    const gone = await startHarness();
    await gone.sandbox.close();
    const f = await expectFailure(
      gone.run('resolveTwilioPhoneNumber', { e164: '+12065550100' }),
      unavailable(
        /^Twilio unreachable \(GET \/2010-04-01\/Accounts\/AC\w+\/IncomingPhoneNumbers\.json\): ECONNREFUSED/,
      ),
    );
    const basic = Buffer.from(`${gone.sandbox.accountSid}:${gone.sandbox.authToken}`).toString('base64');
    assert.doesNotMatch(
      JSON.stringify(f) + String(f.stack) + JSON.stringify(f.cause ?? null),
      new RegExp(`${gone.sandbox.authToken}|${basic}`),
    );
  });
});
