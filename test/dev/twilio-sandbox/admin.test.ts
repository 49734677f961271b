import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createTwilioSandboxApp, DEFAULT_ACCOUNT_SID, DEFAULT_BUSINESS_PROFILE_SID } from '../../../dev/sandbox/twilio';
import { conformanceErrors } from './openapi-validator';
import { buildCnamProduct, CNAM_POLICY_SID, expectRestError, recorded, startTestSandbox } from './helpers';

// Captured before any sandbox starts: an in-process sandbox must not swap the process's fetch classes.
const { Request: OriginalRequest, Response: OriginalResponse } = globalThis;
const auth = (user: string, pass: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
});

describe('admin surface, options and in-process use', () => {
  test('defaults: fixed account and profile SIDs, seven numbers, one approved and one draft profile', async () => {
    const sb = createTwilioSandboxApp();
    assert.equal(sb.accountSid, DEFAULT_ACCOUNT_SID);
    assert.match(sb.accountSid, /^AC[0-9a-f]{32}$/);
    assert.equal(sb.authToken, 'sandbox-auth-token');
    assert.equal(sb.defaultBusinessProfileSid, DEFAULT_BUSINESS_PROFILE_SID);
    const res = await sb.app.request('/__sandbox/state');
    const state = (await res.json()) as {
      customer_profiles: { status: string; friendly_name: string }[];
      incoming_phone_numbers: { phone_number: string; type: string }[];
    };
    assert.deepEqual(
      state.customer_profiles.map((p) => [p.friendly_name, p.status]),
      [
        ['Acme Plumbing LLC', 'twilio-approved'],
        ['Draft Holdings Inc', 'draft'],
      ],
    );
    assert.deepEqual(
      state.incoming_phone_numbers.map((n) => [n.phone_number, n.type]),
      [
        ['+12065550100', 'local'],
        ['+12065550101', 'local'],
        ['+12065550102', 'local'],
        ['+12065550103', 'local'],
        ['+12065550104', 'local'],
        ['+18005550100', 'toll-free'],
        ['+14165550100', 'local'],
      ],
    );
    // Same SIDs on every start, so a CLI user can keep them in .env.
    const again = createTwilioSandboxApp();
    assert.deepEqual([...again.state.phoneNumbers.keys()], [...sb.state.phoneNumbers.keys()]);
    sb.close();
    again.close();
  });

  test('works without a socket through app.request, honouring publicUrl', async () => {
    const sb = createTwilioSandboxApp({ publicUrl: 'https://sandbox.example.test/' });
    const res = await sb.app.request('/v1/CustomerProfiles?Status=twilio-approved', {
      headers: auth(sb.accountSid, sb.authToken),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { results: { url: string }[]; meta: { url: string } };
    assert.equal(
      body.results[0]?.url,
      `https://sandbox.example.test/v1/CustomerProfiles/${sb.defaultBusinessProfileSid}`,
    );
    assert.equal(
      body.meta.url,
      'https://sandbox.example.test/v1/CustomerProfiles?Status=twilio-approved&PageSize=50&Page=0',
    );
    assert.equal((await sb.app.request('/v1/CustomerProfiles')).status, 401);
    sb.close();
  });

  test('custom account, numbers and profiles with pre-assigned numbers', async () => {
    const accountSid = 'AC' + '1'.repeat(32);
    const pn = 'PN' + '2'.repeat(32);
    const { client, sandbox } = await startTestSandbox({
      accountSid,
      authToken: 'tok',
      numbers: [{ phoneNumber: '+13125550100', sid: pn, friendlyName: 'Chicago' }],
      businessProfiles: [
        { friendlyName: 'Pending Co', status: 'in-review' },
        {
          sid: 'BU' + '3'.repeat(32),
          friendlyName: 'Windy City Pipes',
          status: 'twilio-approved',
          phoneNumberSids: [pn],
        },
      ],
      inReviewDelayMs: 0,
      decisionDelayMs: 0,
    });
    try {
      assert.equal(sandbox.defaultBusinessProfileSid, 'BU' + '3'.repeat(32));
      const [n] = await client.incomingPhoneNumbers.list();
      assert.deepEqual([n?.sid, n?.friendlyName, n?.accountSid], [pn, 'Chicago', accountSid]);
      const assigned = await client.trusthub.v1
        .customerProfiles(sandbox.defaultBusinessProfileSid)
        .customerProfilesChannelEndpointAssignment.list();
      assert.deepEqual(
        assigned.map((a) => a.channelEndpointSid),
        [pn],
      );
      // Already on the profile, so buildCnamProduct skips step 3 and the number is eligible at once.
      const { trustProductSid } = await buildCnamProduct(client, {
        profileSid: sandbox.defaultBusinessProfileSid,
        phoneNumber: '+13125550100',
      });
      await client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
      assert.equal((await client.trusthub.v1.trustProducts(trustProductSid).fetch()).status, 'twilio-approved');
    } finally {
      await sandbox.close();
    }
    assert.throws(() => createTwilioSandboxApp({ accountSid: 'ACnope' }), /accountSid/);
    assert.throws(
      () =>
        createTwilioSandboxApp({
          businessProfiles: [{ friendlyName: 'x', status: 'draft', phoneNumberSids: ['PN' + '0'.repeat(32)] }],
        }),
      /unknown phone number/,
    );
  });

  test('state, approve/reject guards and reset over HTTP', async () => {
    const { client, sandbox } = await startTestSandbox({ autoReview: false });
    try {
      const admin = (path: string, method = 'GET') => fetch(`${sandbox.url}/__sandbox${path}`, { method });
      const tp = await client.trusthub.v1.trustProducts.create({
        email: 'a@b.c',
        friendlyName: 'draft one',
        policySid: CNAM_POLICY_SID,
      });
      const draftApprove = await admin(`/trust-products/${tp.sid}/approve`, 'POST');
      assert.equal(draftApprove.status, 400);
      assert.equal(((await draftApprove.json()) as { code: number }).code, 20001);
      assert.equal((await admin(`/trust-products/BU${'9'.repeat(32)}/reject`, 'POST')).status, 404);
      const bad = await fetch(`${sandbox.url}/__sandbox/trust-products/${tp.sid}/reject`, {
        method: 'POST',
        body: '{"code":"x"}',
      });
      assert.equal(bad.status, 400);

      const state = (await (await admin('/state')).json()) as {
        trust_products: { sid: string }[];
        account_sid: string;
      };
      assert.deepEqual(
        state.trust_products.map((p) => p.sid),
        [tp.sid],
      );
      assert.equal(state.account_sid, sandbox.accountSid);

      const numbersBefore = [...sandbox.state.phoneNumbers.keys()];
      const stateRef = sandbox.state;
      assert.equal((await admin('/reset', 'POST')).status, 204);
      await expectRestError(client.trusthub.v1.trustProducts(tp.sid).fetch(), { status: 404, code: 20404 });
      assert.equal(sandbox.state, stateRef);
      assert.deepEqual([...sandbox.state.phoneNumbers.keys()], numbersBefore);
      assert.equal(sandbox.state.customerProfiles.size, 2);

      // In-process reset does the same.
      await client.trusthub.v1.endUsers.create({ friendlyName: 'x', type: 'cnam_information' });
      sandbox.reset();
      assert.deepEqual(await client.trusthub.v1.endUsers.list(), []);
    } finally {
      await sandbox.close();
    }
  });

  test('a sandbox serving requests leaves the global Request/Response alone', async () => {
    const { client, sandbox } = await startTestSandbox();
    try {
      assert.equal((await client.incomingPhoneNumbers.list()).length, 7);
      assert.equal(globalThis.Request, OriginalRequest);
      assert.equal(globalThis.Response, OriginalResponse);
    } finally {
      await sandbox.close();
    }
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.length > 5);
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
