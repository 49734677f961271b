import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceErrors } from './openapi-validator';
import { CNAM_POLICY_SID, recorded, startTestSandbox, type TestSandbox } from './helpers';

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

describe("the CNAM sequence of Twilio's guide through the official twilio SDK", () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0 });
  });
  after(() => t.sandbox.close());

  test('steps 1-12: find number and profile, build, evaluate, submit, approve, enable lookup', async () => {
    const { client, sandbox } = t;
    const th = client.trusthub.v1;

    // 1. PN SID by phone number
    const [pn, ...more] = await client.incomingPhoneNumbers.list({ phoneNumber: '+12065550101' });
    assert.ok(pn);
    assert.equal(more.length, 0);
    assert.match(pn.sid, SID('PN'));
    assert.equal(pn.phoneNumber, '+12065550101');
    assert.equal(pn.accountSid, sandbox.accountSid);
    assert.ok(pn.dateCreated instanceof Date && !Number.isNaN(pn.dateCreated.getTime()));

    // 2. the approved Business Profile
    const approved = await th.customerProfiles.list({ status: 'twilio-approved' });
    assert.deepEqual(
      approved.map((p) => [p.sid, p.friendlyName]),
      [[sandbox.defaultBusinessProfileSid, 'Acme Plumbing LLC']],
    );
    const bu = approved[0]!.sid;
    assert.equal(
      approved[0]!.links.customer_profiles_channel_endpoint_assignment,
      `${sandbox.url}/v1/CustomerProfiles/${bu}/ChannelEndpointAssignments`,
    );

    // 3. number onto the profile
    const cpa = await th.customerProfiles(bu).customerProfilesChannelEndpointAssignment.create({
      channelEndpointSid: pn.sid,
      channelEndpointType: 'phone-number',
    });
    assert.match(cpa.sid, SID('RA'));
    assert.equal(cpa.customerProfileSid, bu);
    assert.equal(cpa.channelEndpointSid, pn.sid);

    // 4. the CNAM Trust Product
    const tp = await th.trustProducts.create({
      email: 'ops@example.com',
      friendlyName: 'Acme CNAM',
      policySid: CNAM_POLICY_SID,
    });
    assert.match(tp.sid, SID('BU'));
    assert.equal(tp.status, 'draft');
    assert.equal(tp.policySid, CNAM_POLICY_SID);
    assert.equal(tp.errors, null);
    assert.equal(tp.url, `${sandbox.url}/v1/TrustProducts/${tp.sid}`);
    assert.equal(tp.links.trust_products_channel_endpoint_assignment, `${tp.url}/ChannelEndpointAssignments`);

    // 5. profile onto the product
    const bv1 = await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: bu });
    assert.match(bv1.sid, SID('BV'));
    assert.equal(bv1.objectSid, bu);
    assert.equal(bv1.trustProductSid, tp.sid);

    // 6. the name holder
    const eu = await th.endUsers.create({
      attributes: { cnam_display_name: 'ACME PLUMBING' },
      friendlyName: 'acme cnam',
      type: 'cnam_information',
    });
    assert.match(eu.sid, SID('IT'));
    assert.deepEqual(eu.attributes, { cnam_display_name: 'ACME PLUMBING' });
    assert.equal(eu.type, 'cnam_information');

    // 7. name holder onto the product
    await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: eu.sid });
    const cnamOnly = await th
      .trustProducts(tp.sid)
      .trustProductsEntityAssignments.list({ objectType: 'cnam_information' });
    assert.deepEqual(
      cnamOnly.map((a) => a.objectSid),
      [eu.sid],
    );

    // 8. number onto the product
    const tpa = await th.trustProducts(tp.sid).trustProductsChannelEndpointAssignment.create({
      channelEndpointSid: pn.sid,
      channelEndpointType: 'phone-number',
    });
    assert.match(tpa.sid, SID('RA'));
    assert.equal(tpa.trustProductSid, tp.sid);

    // 9. evaluation
    const ev = await th.trustProducts(tp.sid).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID });
    assert.match(ev.sid, SID('EL'));
    assert.equal(ev.status, 'compliant');
    const results = ev.results as { requirement_name: string; passed: boolean }[];
    assert.deepEqual(
      results.map((r) => [r.requirement_name, r.passed]),
      [
        ['customer_profile', true],
        ['cnam_information', true],
      ],
    );
    assert.equal((await th.trustProducts(tp.sid).trustProductsEvaluations(ev.sid).fetch()).status, 'compliant');

    // 10. submit: Twilio's guide shows pending-review as the answer
    const submitted = await th.trustProducts(tp.sid).update({ status: 'pending-review' });
    assert.equal(submitted.status, 'pending-review');

    // 11. with zero delays the next read shows the decision
    const decided = await th.trustProducts(tp.sid).fetch();
    assert.equal(decided.status, 'twilio-approved');
    assert.equal(decided.errors, null);
    assert.equal(decided.validUntil, null);

    // The recipe for "which CNAM does this number have": filter assignments by PN.
    const found = await th
      .trustProducts(tp.sid)
      .trustProductsChannelEndpointAssignment.list({ channelEndpointSid: pn.sid });
    assert.deepEqual(
      found.map((a) => a.sid),
      [tpa.sid],
    );
    assert.equal(
      (await th.trustProducts(tp.sid).trustProductsChannelEndpointAssignment(tpa.sid).fetch()).channelEndpointSid,
      pn.sid,
    );
    assert.equal((await th.trustProducts(tp.sid).trustProductsEntityAssignments(bv1.sid).fetch()).objectSid, bu);

    // 12. caller-name lookup on the number
    const updated = await client
      .incomingPhoneNumbers(pn.sid)
      .update({ voiceCallerIdLookup: true, friendlyName: 'Acme main line' });
    assert.equal(updated.voiceCallerIdLookup, true);
    const fetched = await client.incomingPhoneNumbers(pn.sid).fetch();
    assert.equal(fetched.voiceCallerIdLookup, true);
    assert.equal(fetched.friendlyName, 'Acme main line');
  });

  test('on real timers the product goes pending-review → in-review → twilio-approved', async () => {
    const s = await startTestSandbox({ inReviewDelayMs: 80, decisionDelayMs: 80 });
    try {
      const th = s.client.trusthub.v1;
      const tp = await th.trustProducts.create({
        email: 'ops@example.com',
        friendlyName: 'timed',
        policySid: CNAM_POLICY_SID,
      });
      await th
        .trustProducts(tp.sid)
        .trustProductsEntityAssignments.create({ objectSid: s.sandbox.defaultBusinessProfileSid });
      const eu = await th.endUsers.create({
        attributes: { cnam_display_name: 'ACME' },
        friendlyName: 'n',
        type: 'cnam_information',
      });
      await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: eu.sid });
      const seen = [(await th.trustProducts(tp.sid).update({ status: 'pending-review' })).status];
      const deadline = Date.now() + 3000;
      while (seen.at(-1) !== 'twilio-approved' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
        const status = (await th.trustProducts(tp.sid).fetch()).status;
        if (status !== seen.at(-1)) seen.push(status);
      }
      assert.deepEqual(seen, ['pending-review', 'in-review', 'twilio-approved']);
    } finally {
      await s.sandbox.close();
    }
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.length > 20);
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
