import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conformanceErrors } from './openapi-validator';
import { buildCnamProduct, CNAM_POLICY_SID, fakeClock, recorded, startTestSandbox } from './helpers';

type Result = {
  requirement_name: string;
  passed: boolean;
  error_code: number | null;
  failure_reason: string | null;
  invalid: { object_field: string; error_code: number }[];
};

const DRAFT_PROFILE = 'Draft Holdings Inc';

describe('review progression and decisions (injected clock)', () => {
  test('transitions are evaluated lazily on read against the clock', async () => {
    const clock = fakeClock();
    const { client, sandbox } = await startTestSandbox({
      now: clock.now,
      inReviewDelayMs: 1000,
      decisionDelayMs: 5000,
    });
    try {
      const th = client.trusthub.v1;
      const { trustProductSid: tp } = await buildCnamProduct(client, { profileSid: sandbox.defaultBusinessProfileSid });
      const submitAt = clock.now();
      assert.equal((await th.trustProducts(tp).update({ status: 'pending-review' })).status, 'pending-review');
      assert.equal((await th.trustProducts(tp).fetch()).status, 'pending-review');
      clock.advance(999);
      assert.equal((await th.trustProducts(tp).fetch()).status, 'pending-review');
      clock.advance(1);
      const inReview = await th.trustProducts(tp).fetch();
      assert.equal(inReview.status, 'in-review');
      assert.equal(inReview.dateUpdated.getTime(), submitAt + 1000);
      clock.advance(4999);
      assert.equal((await th.trustProducts(tp).fetch()).status, 'in-review');
      clock.advance(60_000);
      const done = await th.trustProducts(tp).fetch();
      assert.equal(done.status, 'twilio-approved');
      // The decision is stamped at its due time, not when someone looked.
      assert.equal(done.dateUpdated.getTime(), submitAt + 6000);
      const listed = await th.trustProducts.list({ status: 'twilio-approved' });
      assert.deepEqual(
        listed.map((p) => p.sid),
        [tp],
      );
    } finally {
      await sandbox.close();
    }
  });

  test('a prohibited term is rejected with 11008, a malformed name with 11009', async () => {
    const { client, sandbox } = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0 });
    try {
      const th = client.trusthub.v1;
      const bu = sandbox.defaultBusinessProfileSid;
      const police = await buildCnamProduct(client, {
        profileSid: bu,
        phoneNumber: '+12065550100',
        displayName: 'POLICE DEPT',
      });
      const long = await buildCnamProduct(client, {
        profileSid: bu,
        phoneNumber: '+12065550101',
        displayName: 'ACME PLUMBING AND HEATING',
      });
      const digit = await buildCnamProduct(client, {
        profileSid: bu,
        phoneNumber: '+12065550102',
        displayName: '1 800 PLUMBER',
      });
      for (const p of [police, long, digit])
        await th.trustProducts(p.trustProductSid).update({ status: 'pending-review' });
      const policeTp = await th.trustProducts(police.trustProductSid).fetch();
      assert.equal(policeTp.status, 'twilio-rejected');
      assert.deepEqual(policeTp.errors, [{ code: 11008 }]);
      assert.deepEqual((await th.trustProducts(long.trustProductSid).fetch()).errors, [{ code: 11009 }]);
      assert.deepEqual((await th.trustProducts(digit.trustProductSid).fetch()).errors, [{ code: 11009 }]);

      // A rejected product may be fixed and resubmitted; the End User edit does not reopen anything by itself.
      await th.endUsers(police.endUserSid).update({ attributes: { cnam_display_name: 'ACME PLUMBING' } });
      assert.equal((await th.trustProducts(police.trustProductSid).fetch()).status, 'twilio-rejected');
      const again = await th.trustProducts(police.trustProductSid).update({ status: 'pending-review' });
      assert.equal(again.status, 'pending-review');
      assert.equal(again.errors, null);
      assert.equal((await th.trustProducts(police.trustProductSid).fetch()).status, 'twilio-approved');
    } finally {
      await sandbox.close();
    }
  });

  test('a product on a Business Profile that is not approved is rejected with 11006', async () => {
    const { client, sandbox } = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0 });
    try {
      const th = client.trusthub.v1;
      const [draft] = await th.customerProfiles.list({ friendlyName: DRAFT_PROFILE });
      assert.ok(draft);
      assert.equal(draft.status, 'draft');
      const { trustProductSid: tp } = await buildCnamProduct(client, { profileSid: draft.sid });
      const ev = await th.trustProducts(tp).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID });
      assert.equal(ev.status, 'noncompliant');
      const [profile] = ev.results as Result[];
      assert.equal(profile?.passed, false);
      assert.equal(profile?.error_code, 11006);
      await th.trustProducts(tp).update({ status: 'pending-review' });
      const done = await th.trustProducts(tp).fetch();
      assert.equal(done.status, 'twilio-rejected');
      assert.deepEqual(done.errors, [{ code: 11006 }]);
    } finally {
      await sandbox.close();
    }
  });

  test('a noncompliant evaluation records why, per requirement', async () => {
    const { client, sandbox } = await startTestSandbox();
    try {
      const th = client.trusthub.v1;
      const tp = await th.trustProducts.create({
        email: 'ops@example.com',
        friendlyName: 'empty',
        policySid: CNAM_POLICY_SID,
      });
      const empty = await th.trustProducts(tp.sid).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID });
      assert.equal(empty.status, 'noncompliant');
      const reasons = (empty.results as Result[]).map((r) => [r.requirement_name, r.passed, r.error_code]);
      assert.deepEqual(reasons, [
        ['customer_profile', false, 22214],
        ['cnam_information', false, 22214],
      ]);

      // An approved profile plus a cnam_information End User without a name: only the name fails.
      await th
        .trustProducts(tp.sid)
        .trustProductsEntityAssignments.create({ objectSid: sandbox.defaultBusinessProfileSid });
      const eu = await th.endUsers.create({
        attributes: { cnam_display_name: '' },
        friendlyName: 'nameless',
        type: 'cnam_information',
      });
      await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: eu.sid });
      const half = await th.trustProducts(tp.sid).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID });
      const [profile, cnam] = half.results as Result[];
      assert.equal(half.status, 'noncompliant');
      assert.equal(profile?.passed, true);
      assert.equal(cnam?.passed, false);
      assert.deepEqual(
        cnam?.invalid.map((i) => [i.object_field, i.error_code]),
        [['cnam_display_name', 22215]],
      );
      assert.match(cnam?.failure_reason ?? '', /CNAM Display Name is missing/);

      // Two cnam_information End Users are one too many.
      const eu2 = await th.endUsers.create({
        attributes: { cnam_display_name: 'ACME' },
        friendlyName: 'second',
        type: 'cnam_information',
      });
      await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: eu2.sid });
      const two = await th.trustProducts(tp.sid).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID });
      assert.match((two.results as Result[])[1]?.failure_reason ?? '', /Exactly one/);
      const history = await th.trustProducts(tp.sid).trustProductsEvaluations.list();
      assert.deepEqual(
        history.map((e) => e.status),
        ['noncompliant', 'noncompliant', 'noncompliant'],
      );
    } finally {
      await sandbox.close();
    }
  });

  test('with autoReview off it waits in-review for an admin decision', async () => {
    const clock = fakeClock();
    const { client, sandbox } = await startTestSandbox({ now: clock.now, inReviewDelayMs: 10, autoReview: false });
    try {
      const th = client.trusthub.v1;
      const a = await buildCnamProduct(client, {
        profileSid: sandbox.defaultBusinessProfileSid,
        phoneNumber: '+12065550100',
      });
      const b = await buildCnamProduct(client, {
        profileSid: sandbox.defaultBusinessProfileSid,
        phoneNumber: '+12065550101',
      });
      for (const p of [a, b]) await th.trustProducts(p.trustProductSid).update({ status: 'pending-review' });
      clock.advance(86_400_000);
      assert.equal((await th.trustProducts(a.trustProductSid).fetch()).status, 'in-review');

      // Numbers may still change during review (undocumented, so the sandbox's choice).
      const [spare] = await client.incomingPhoneNumbers.list({ phoneNumber: '+12065550104' });
      assert.ok(spare);
      await th.customerProfiles(sandbox.defaultBusinessProfileSid).customerProfilesChannelEndpointAssignment.create({
        channelEndpointSid: spare.sid,
        channelEndpointType: 'phone-number',
      });
      await th.trustProducts(a.trustProductSid).trustProductsChannelEndpointAssignment.create({
        channelEndpointSid: spare.sid,
        channelEndpointType: 'phone-number',
      });

      const res = await fetch(`${sandbox.url}/__sandbox/trust-products/${a.trustProductSid}/approve`, {
        method: 'POST',
      });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { status: string }).status, 'twilio-approved');
      sandbox.reject(b.trustProductSid, 11007);
      const rejected = await th.trustProducts(b.trustProductSid).fetch();
      assert.equal(rejected.status, 'twilio-rejected');
      assert.deepEqual(rejected.errors, [{ code: 11007 }]);
      const viaHttp = await fetch(`${sandbox.url}/__sandbox/trust-products/${b.trustProductSid}/reject`, {
        method: 'POST',
        body: JSON.stringify({ code: 11008 }),
      });
      assert.deepEqual(((await viaHttp.json()) as { errors: unknown }).errors, [{ code: 11008 }]);
    } finally {
      await sandbox.close();
    }
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.length > 50);
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
