import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RunningTwilioSandbox } from '../../../dev/sandbox/twilio';
import { conformanceErrors } from './openapi-validator';
import {
  buildCnamProduct,
  CNAM_POLICY_SID,
  expectRestError,
  fakeClock,
  type Recorded,
  startTestSandbox,
  type TestSandbox,
  type TwilioClient,
} from './helpers';

// Only this file's exchanges, so the conformance check below covers the new valid_until values.
const log: Recorded[] = [];

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

/** A submitted-nowhere draft Trust Product. */
const draftProduct = (client: TwilioClient) =>
  client.trusthub.v1.trustProducts.create({
    email: 'ops@example.com',
    friendlyName: 'drift',
    policySid: CNAM_POLICY_SID,
  });

describe('drift: a Trust Product changed on Twilio’s side', () => {
  const clock = fakeClock();
  let t: TestSandbox;
  let admin: ReturnType<typeof adminOf>;
  before(async () => {
    t = await startTestSandbox({ now: clock.now, inReviewDelayMs: 1000, decisionDelayMs: 5000 }, log);
    admin = adminOf(t.sandbox);
  });
  after(() => t.sandbox.close());

  test('status and valid_until are set at once; valid_until is null until set', async () => {
    const tp = await draftProduct(t.client);
    assert.equal(tp.validUntil, null);
    const res = await admin('POST', `/trust-products/${tp.sid}/status`, {
      status: 'twilio-approved',
      validUntil: '2027-01-31T00:00:00Z',
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'twilio-approved');
    assert.equal(res.body.valid_until, '2027-01-31T00:00:00Z');
    const fetched = await t.client.trusthub.v1.trustProducts(tp.sid).fetch();
    assert.equal(fetched.status, 'twilio-approved');
    assert.equal(fetched.validUntil?.toISOString(), '2027-01-31T00:00:00.000Z');
    assert.equal(fetched.errors, null);

    // An expiry: rejected, valid_until cleared; a forced rejection says 11009 unless an earlier one said more.
    const expired = await admin('POST', `/trust-products/${tp.sid}/status`, {
      status: 'twilio-rejected',
      validUntil: null,
    });
    assert.equal(expired.body.valid_until, null);
    assert.deepEqual(expired.body.errors, [{ code: 11009 }]);
    // Without validUntil, valid_until is left as it is.
    t.sandbox.setTrustProductStatus(tp.sid, 'twilio-approved', '2028-06-01T12:00:00Z');
    t.sandbox.setTrustProductStatus(tp.sid, 'draft');
    const back = await t.client.trusthub.v1.trustProducts(tp.sid).fetch();
    assert.equal(back.status, 'draft');
    assert.equal(back.validUntil?.toISOString(), '2028-06-01T12:00:00.000Z');
  });

  test('a product put back in review is decided by the review as usual', async () => {
    const { trustProductSid } = await buildCnamProduct(t.client, { profileSid: t.sandbox.defaultBusinessProfileSid });
    t.sandbox.setTrustProductStatus(trustProductSid, 'in-review');
    assert.equal((await t.client.trusthub.v1.trustProducts(trustProductSid).fetch()).status, 'in-review');
    clock.advance(5000);
    assert.equal((await t.client.trusthub.v1.trustProducts(trustProductSid).fetch()).status, 'twilio-approved');
  });

  test('bad input is a 400 and an unknown product a 404, in Twilio’s error format', async () => {
    const tp = await draftProduct(t.client);
    const bad = await admin('POST', `/trust-products/${tp.sid}/status`, { status: 'approved' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 20001);
    assert.match(String(bad.body.message), /status must be one of draft, pending-review/);
    const badDate = await admin('POST', `/trust-products/${tp.sid}/status`, {
      status: 'twilio-approved',
      validUntil: 'next year',
    });
    assert.equal(badDate.status, 400);
    assert.match(String(badDate.body.message), /validUntil must be an ISO-8601 date-time or null/);
    assert.equal((await t.client.trusthub.v1.trustProducts(tp.sid).fetch()).status, 'draft');
    const unknown = await admin('POST', `/trust-products/BU${'0'.repeat(32)}/status`, { status: 'draft' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 20404);
  });

  test('every API response in this file matches the OpenAPI spec (valid_until included)', () => {
    assert.ok(log.length > 5);
    assert.deepEqual(conformanceErrors(log), []);
  });
});

describe('drift: a released number', () => {
  let t: TestSandbox;
  let admin: ReturnType<typeof adminOf>;
  before(async () => {
    t = await startTestSandbox({ autoReview: false });
    admin = adminOf(t.sandbox);
  });
  after(() => t.sandbox.close());

  test('is gone from IncomingPhoneNumbers and from every Trust Product and Business Profile assignment', async () => {
    const profileSid = t.sandbox.defaultBusinessProfileSid;
    const { trustProductSid, phoneNumberSid } = await buildCnamProduct(t.client, {
      profileSid,
      phoneNumber: '+12065550101',
    });
    await t.client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
    t.sandbox.approve(trustProductSid);
    t.client.lookups.baseUrl = t.sandbox.url;
    const dip = async () =>
      (await t.client.lookups.v2.phoneNumbers('+12065550101').fetch({ fields: 'caller_name' })).callerName?.callerName;
    assert.equal(await dip(), 'ACME PLUMBING');

    assert.equal((await admin('DELETE', '/numbers/+12065550101')).status, 204);
    assert.deepEqual(await t.client.incomingPhoneNumbers.list({ phoneNumber: '+12065550101' }), []);
    await expectRestError(t.client.incomingPhoneNumbers(phoneNumberSid).fetch(), { status: 404, code: 20404 });
    const tpNumbers = await t.client.trusthub.v1
      .trustProducts(trustProductSid)
      .trustProductsChannelEndpointAssignment.list();
    assert.deepEqual(tpNumbers, []);
    const cpNumbers = await t.client.trusthub.v1
      .customerProfiles(profileSid)
      .customerProfilesChannelEndpointAssignment.list({ channelEndpointSid: phoneNumberSid });
    assert.deepEqual(cpNumbers, []);
    // The product itself stays, approved, with nothing left to name.
    assert.equal((await t.client.trusthub.v1.trustProducts(trustProductSid).fetch()).status, 'twilio-approved');
    assert.equal(await dip(), 'SEATTLE WA');

    const again = await admin('DELETE', '/numbers/+12065550101');
    assert.equal(again.status, 404);
    assert.equal(again.body.code, 20404);
    // reset() brings the configured numbers back.
    t.sandbox.reset();
    assert.equal((await t.client.incomingPhoneNumbers.list({ phoneNumber: '+12065550101' })).length, 1);
  });
});

describe('VoiceCallerIdLookup on a number that cannot have Caller Name Lookup: 400 / 21409', () => {
  let t: TestSandbox;
  let admin: ReturnType<typeof adminOf>;
  before(async () => {
    t = await startTestSandbox({
      numbers: [{ phoneNumber: '+12065550100' }, { phoneNumber: '+13125550100', voiceCallerIdLookup: false }],
    });
    admin = adminOf(t.sandbox);
  });
  after(() => t.sandbox.close());

  const sidOf = async (e164: string) => {
    const [pn] = await t.client.incomingPhoneNumbers.list({ phoneNumber: e164 });
    assert.ok(pn, `${e164} not on the account`);
    return pn.sid;
  };

  test('a number configured with voiceCallerIdLookup: false refuses true, takes false, is left unchanged', async () => {
    const sid = await sidOf('+13125550100');
    const err = await expectRestError(t.client.incomingPhoneNumbers(sid).update({ voiceCallerIdLookup: true }), {
      status: 400,
      code: 21409,
      message: 'VoiceCallerIdLookup cannot be set for this phone number',
    });
    assert.equal(err.moreInfo, 'https://www.twilio.com/docs/errors/21409');
    // Nothing of a refused update is applied.
    await expectRestError(
      t.client.incomingPhoneNumbers(sid).update({ voiceCallerIdLookup: true, friendlyName: 'renamed' }),
      { status: 400, code: 21409 },
    );
    const pn = await t.client.incomingPhoneNumbers(sid).fetch();
    assert.equal(pn.voiceCallerIdLookup, false);
    assert.notEqual(pn.friendlyName, 'renamed');
    assert.equal(
      (await t.client.incomingPhoneNumbers(sid).update({ voiceCallerIdLookup: false })).voiceCallerIdLookup,
      false,
    );
    // Other numbers are unaffected.
    const other = await t.client
      .incomingPhoneNumbers(await sidOf('+12065550100'))
      .update({ voiceCallerIdLookup: true });
    assert.equal(other.voiceCallerIdLookup, true);
  });

  test('PUT /__sandbox/numbers/:e164 marks a number either way; bad input 400, unknown number 404', async () => {
    const sid = await sidOf('+12065550100');
    const set = await admin('PUT', '/numbers/+12065550100', { voiceCallerIdLookupSupported: false });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { phoneNumber: '+12065550100', sid, voiceCallerIdLookupSupported: false });
    await expectRestError(t.client.incomingPhoneNumbers(sid).update({ voiceCallerIdLookup: true }), {
      status: 400,
      code: 21409,
    });
    await admin('PUT', '/numbers/+12065550100', { voiceCallerIdLookupSupported: true });
    assert.equal(
      (await t.client.incomingPhoneNumbers(sid).update({ voiceCallerIdLookup: true })).voiceCallerIdLookup,
      true,
    );

    const bad = await admin('PUT', '/numbers/+12065550100', { voiceCallerIdLookupSupported: 'no' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 20001);
    assert.equal((await admin('PUT', '/numbers/+19995550100', { voiceCallerIdLookupSupported: false })).status, 404);
  });

  test('the default numbers all take VoiceCallerIdLookup=true', async () => {
    const d = await startTestSandbox();
    try {
      for (const pn of await d.client.incomingPhoneNumbers.list())
        assert.equal(
          (await d.client.incomingPhoneNumbers(pn.sid).update({ voiceCallerIdLookup: true })).voiceCallerIdLookup,
          true,
        );
    } finally {
      await d.sandbox.close();
    }
  });
});
