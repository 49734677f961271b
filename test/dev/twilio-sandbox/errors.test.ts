import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { conformanceErrors } from './openapi-validator';
import {
  buildCnamProduct,
  CNAM_POLICY_SID,
  expectRestError,
  pointAt,
  recorded,
  startTestSandbox,
  type TestSandbox,
} from './helpers';

const API_KEY = { sid: 'SK' + '5'.repeat(32), secret: 'key-secret' };

describe('error paths, as the official SDK surfaces them', () => {
  let t: TestSandbox;
  let bu: string;
  const th = () => t.client.trusthub.v1;
  const pnSid = async (phoneNumber: string) => {
    const [pn] = await t.client.incomingPhoneNumbers.list({ phoneNumber });
    assert.ok(pn, phoneNumber);
    return pn.sid;
  };
  const newProduct = async () => {
    const tp = await th().trustProducts.create({
      email: 'ops@example.com',
      friendlyName: 'p',
      policySid: CNAM_POLICY_SID,
    });
    await th().trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: bu });
    return tp.sid;
  };
  const onProfile = async (sid: string) =>
    th().customerProfiles(bu).customerProfilesChannelEndpointAssignment.create({
      channelEndpointSid: sid,
      channelEndpointType: 'phone-number',
    });

  before(async () => {
    t = await startTestSandbox({ apiKeys: [API_KEY], inReviewDelayMs: 0, decisionDelayMs: 0 });
    bu = t.sandbox.defaultBusinessProfileSid;
  });
  after(() => t.sandbox.close());

  test('a wrong auth token is 401 / 20003 Authenticate', async () => {
    const bad = pointAt(twilio(t.sandbox.accountSid, 'wrong-token'), t.sandbox.url);
    await expectRestError(bad.trusthub.v1.customerProfiles.list(), {
      status: 401,
      code: 20003,
      message: 'Authenticate',
    });
    await expectRestError(bad.incomingPhoneNumbers.list(), { status: 401, code: 20003 });
    const unknownKey = pointAt(twilio('SK' + '6'.repeat(32), 'x', { accountSid: t.sandbox.accountSid }), t.sandbox.url);
    await expectRestError(unknownKey.trusthub.v1.trustProducts.list(), { status: 401, code: 20003 });
    const res = await fetch(`${t.sandbox.url}/v1/TrustProducts`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Twilio API"');
  });

  test('an API key SID + secret authenticates', async () => {
    const keyed = pointAt(twilio(API_KEY.sid, API_KEY.secret, { accountSid: t.sandbox.accountSid }), t.sandbox.url);
    const profiles = await keyed.trusthub.v1.customerProfiles.list();
    assert.equal(profiles.length, 2);
    const numbers = await keyed.incomingPhoneNumbers.list();
    assert.equal(numbers.length, 7);
    const wrongSecret = pointAt(twilio(API_KEY.sid, 'nope', { accountSid: t.sandbox.accountSid }), t.sandbox.url);
    await expectRestError(wrongSecret.trusthub.v1.customerProfiles.list(), { status: 401, code: 20003 });
  });

  test("another account's SID in a 2010 path is 404 / 20404", async () => {
    const other = 'AC' + '7'.repeat(32);
    await expectRestError(t.client.api.v2010.accounts(other).incomingPhoneNumbers.list(), { status: 404, code: 20404 });
  });

  test('a missing required parameter is 400 / 20001 naming it', async () => {
    await expectRestError(th().trustProducts.create({ email: '', friendlyName: 'x', policySid: CNAM_POLICY_SID }), {
      status: 400,
      code: 20001,
      message: 'Missing required parameter Email in the post body',
    });
    await expectRestError(th().endUsers.create({ friendlyName: 'x', type: '' }), {
      status: 400,
      code: 20001,
      message: 'Missing required parameter Type in the post body',
    });
    // The SDK refuses to send a missing required param itself, so go through its raw request().
    const tp = await newProduct();
    const res = await t.client.request({
      method: 'post',
      uri: `${t.sandbox.url}/v1/TrustProducts/${tp}/ChannelEndpointAssignments`,
      data: { ChannelEndpointType: 'phone-number' },
    });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.body, {
      code: 20001,
      message: 'Missing required parameter ChannelEndpointSid in the post body',
      more_info: 'https://www.twilio.com/docs/errors/20001',
      status: 400,
    });
  });

  test('toll-free and Canadian numbers are refused on a CNAM Trust Product', async () => {
    const tp = await newProduct();
    const tollFree = await pnSid('+18005550100');
    const canada = await pnSid('+14165550100');
    await onProfile(tollFree);
    await onProfile(canada);
    const assign = (sid: string) =>
      th().trustProducts(tp).trustProductsChannelEndpointAssignment.create({
        channelEndpointSid: sid,
        channelEndpointType: 'phone-number',
      });
    await expectRestError(assign(tollFree), { status: 400, code: 20001, message: /Toll-free/ });
    await expectRestError(assign(canada), { status: 400, code: 20001, message: /Canadian/ });
    assert.deepEqual(await th().trustProducts(tp).trustProductsChannelEndpointAssignment.list(), []);
  });

  test('a number not on the Business Profile is refused', async () => {
    const tp = await newProduct();
    const sid = await pnSid('+12065550103');
    await expectRestError(
      th().trustProducts(tp).trustProductsChannelEndpointAssignment.create({
        channelEndpointSid: sid,
        channelEndpointType: 'phone-number',
      }),
      { status: 400, code: 20001, message: /not assigned to Business Profile/ },
    );
    const unknown = 'PN' + '9'.repeat(32);
    await expectRestError(
      th().trustProducts(tp).trustProductsChannelEndpointAssignment.create({
        channelEndpointSid: unknown,
        channelEndpointType: 'phone-number',
      }),
      { status: 400, code: 20001, message: /not a phone number on this account/ },
    );
  });

  test('duplicates are 409 / 20409, and a number already on another CNAM product is refused', async () => {
    const sid = await pnSid('+12065550104');
    await onProfile(sid);
    await expectRestError(onProfile(sid), { status: 409, code: 20409 });
    const tp = await newProduct();
    const assign = (p: string) =>
      th().trustProducts(p).trustProductsChannelEndpointAssignment.create({
        channelEndpointSid: sid,
        channelEndpointType: 'phone-number',
      });
    await assign(tp);
    await expectRestError(assign(tp), { status: 409, code: 20409 });
    await expectRestError(th().trustProducts(tp).trustProductsEntityAssignments.create({ objectSid: bu }), {
      status: 409,
      code: 20409,
    });
    const second = await newProduct();
    await expectRestError(assign(second), {
      status: 400,
      code: 20001,
      message: /already assigned to CNAM Trust Product/,
    });
    // Deleting the first product frees the number.
    await th().trustProducts(tp).remove();
    await expectRestError(th().trustProducts(tp).fetch(), { status: 404, code: 20404 });
    await assign(second);
  });

  test('unknown SIDs and routes are 404 / 20404', async () => {
    const missing = 'BU' + '8'.repeat(32);
    await expectRestError(th().trustProducts(missing).fetch(), {
      status: 404,
      code: 20404,
      message: `The requested resource /v1/TrustProducts/${missing} was not found`,
    });
    await expectRestError(th().customerProfiles(missing).fetch(), { status: 404, code: 20404 });
    const tp = await newProduct();
    await expectRestError(th().customerProfiles(tp).fetch(), { status: 404, code: 20404 });
    await expectRestError(
      th()
        .endUsers('IT' + '8'.repeat(32))
        .fetch(),
      { status: 404, code: 20404 },
    );
    await expectRestError(t.client.incomingPhoneNumbers('PN' + '8'.repeat(32)).fetch(), { status: 404, code: 20404 });
    const res = await t.client.request({ method: 'get', uri: `${t.sandbox.url}/v1/Nope` });
    assert.equal(res.statusCode, 404);
  });

  test('Status may only be set to pending-review, from draft or twilio-rejected', async () => {
    const tp = await newProduct();
    await expectRestError(th().trustProducts(tp).update({ status: 'twilio-approved' }), {
      status: 400,
      code: 20001,
      message: /Invalid Status/,
    });
    const eu = await th().endUsers.create({
      attributes: { cnam_display_name: 'ACME' },
      friendlyName: 'n',
      type: 'cnam_information',
    });
    await th().trustProducts(tp).trustProductsEntityAssignments.create({ objectSid: eu.sid });
    await th().trustProducts(tp).update({ status: 'pending-review' });
    assert.equal((await th().trustProducts(tp).fetch()).status, 'twilio-approved');
    await expectRestError(th().trustProducts(tp).update({ status: 'pending-review' }), { status: 400, code: 20001 });
  });

  test('entity assignments are frozen after submit; End Users in use cannot be deleted', async () => {
    const { trustProductSid: tp, endUserSid } = await buildCnamProduct(t.client, {
      profileSid: bu,
      phoneNumber: '+12065550102',
    });
    await th().trustProducts(tp).update({ status: 'pending-review' });
    const eu = await th().endUsers.create({
      attributes: { cnam_display_name: 'OTHER' },
      friendlyName: 'n2',
      type: 'cnam_information',
    });
    await expectRestError(th().trustProducts(tp).trustProductsEntityAssignments.create({ objectSid: eu.sid }), {
      status: 400,
      code: 20001,
      message: /draft or twilio-rejected/,
    });
    const [ea] = await th().trustProducts(tp).trustProductsEntityAssignments.list();
    assert.ok(ea);
    await expectRestError(th().trustProducts(tp).trustProductsEntityAssignments(ea.sid).remove(), {
      status: 400,
      code: 20001,
    });
    await expectRestError(th().endUsers(endUserSid).remove(), { status: 400, code: 20001, message: /not draft/ });
    // In draft, deleting the End User also drops its assignment.
    const draft = await newProduct();
    await th().trustProducts(draft).trustProductsEntityAssignments.create({ objectSid: eu.sid });
    assert.equal(await th().endUsers(eu.sid).remove(), true);
    assert.deepEqual(
      (await th().trustProducts(draft).trustProductsEntityAssignments.list()).map((a) => a.objectSid),
      [bu],
    );
  });

  test('bad parameter values are 400 / 20001', async () => {
    await expectRestError(th().trustProducts.create({ email: 'a@b.c', friendlyName: 'x', policySid: 'RNnope' }), {
      status: 400,
      code: 20001,
    });
    await expectRestError(
      th().trustProducts.create({
        email: 'a@b.c',
        friendlyName: 'x',
        policySid: CNAM_POLICY_SID,
        statusCallback: 'not a url',
      }),
      { status: 400, code: 20001 },
    );
    const raw = await t.client.request({
      method: 'post',
      uri: `${t.sandbox.url}/v1/EndUsers`,
      data: { FriendlyName: 'x', Type: 'cnam_information', Attributes: '{oops' },
    });
    assert.equal(raw.statusCode, 400);
    const tp = await newProduct();
    await expectRestError(
      th()
        .trustProducts(tp)
        .trustProductsEvaluations.create({ policySid: 'RN' + '1'.repeat(32) }),
      { status: 400, code: 20001, message: /does not match/ },
    );
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.some(({ exchange }) => exchange.status === 409));
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
