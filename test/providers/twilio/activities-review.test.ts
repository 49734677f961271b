import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CNAM_REJECTION_MESSAGES } from '../../../src/providers/twilio/texts';
import { buildProduct, startHarness, type Harness } from './helpers';

describe('Twilio activities: evaluation, submission, review', () => {
  let h: Harness;
  // The sandbox's review clock; only the resubmit test moves it.
  let now = Date.parse('2026-01-05T15:00:00Z');
  const bu = () => h.sandbox.defaultBusinessProfileSid;
  before(async () => {
    h = await startHarness({ now: () => now });
  });
  after(() => h.sandbox.close());

  test('an incomplete Trust Product evaluates noncompliant, with one sentence per gap', async () => {
    const tp = await h.run('findOrCreateCnamTrustProduct', { friendlyName: 'wf-empty', email: 'ops@example.com' });
    const ev = await h.run('evaluateTrustProduct', { trustProductSid: tp.trustProductSid });
    assert.equal(ev.status, 'noncompliant');
    assert.deepEqual(ev.failures, [
      'Business Profile, Business Profile: A Business Profile is missing. Please assign one approved Business Profile to the Trust Product. (error 22214)',
      'CNAM Information, CNAM Display Name: A CNAM Information End-User is missing. Please add one to the Trust Product. (error 22214)',
    ]);
  });

  test('an empty display name is named as the failure', async () => {
    const built = await buildProduct(h.run, {
      businessProfileSid: bu(),
      e164: '+12065550101',
      name: 'wf-blank',
      displayName: ' ',
    });
    const ev = await h.run('evaluateTrustProduct', { trustProductSid: built.tp.trustProductSid });
    assert.equal(ev.status, 'noncompliant');
    assert.equal(ev.failures.length, 1);
    assert.match(ev.failures[0] ?? '', /^CNAM Information, CNAM Display Name: The CNAM Display Name is missing/);
  });

  test('submitting twice does not resubmit; the second answer is the current status', async () => {
    const { tp } = await buildProduct(h.run, { businessProfileSid: bu(), e164: '+12065550102', name: 'wf-submit' });
    const trustProductSid = tp.trustProductSid;
    assert.deepEqual(await h.run('submitTrustProduct', { trustProductSid }), { status: 'pending-review' });
    const submittedAt = h.sandbox.state.trustProducts.get(trustProductSid)?.submittedAt;
    assert.ok(typeof submittedAt === 'number');
    now += 500; // less than the 1 s until in-review, so the product is still pending-review
    assert.deepEqual(await h.run('submitTrustProduct', { trustProductSid }), { status: 'pending-review' });
    assert.equal(
      h.sandbox.state.trustProducts.get(trustProductSid)?.submittedAt,
      submittedAt,
      'the second submit must not restart the review clock',
    );
    h.sandbox.approve(trustProductSid);
    assert.deepEqual(await h.run('submitTrustProduct', { trustProductSid }), { status: 'twilio-approved' });
    assert.equal((await h.run('getTrustProductStatus', { trustProductSid })).status, 'twilio-approved');
  });

  test('a rejection comes back as codes with sentences; a rejected product can be resubmitted', async () => {
    const { tp } = await buildProduct(h.run, { businessProfileSid: bu(), e164: '+12065550103', name: 'wf-reject' });
    const trustProductSid = tp.trustProductSid;
    await h.run('submitTrustProduct', { trustProductSid });
    h.sandbox.reject(trustProductSid, 11008);
    const status = await h.run('getTrustProductStatus', { trustProductSid });
    assert.deepEqual(status, {
      status: 'twilio-rejected',
      errors: [{ code: 11008, message: CNAM_REJECTION_MESSAGES[11008] }],
    });
    assert.match(status.errors[0]?.message ?? '', /prohibited content/);
    assert.deepEqual(await h.run('submitTrustProduct', { trustProductSid }), { status: 'pending-review' });
  });

  test('unknown rejection codes still read as a sentence', async () => {
    const { tp } = await buildProduct(h.run, { businessProfileSid: bu(), e164: '+12065550104', name: 'wf-odd' });
    await h.run('submitTrustProduct', { trustProductSid: tp.trustProductSid });
    h.sandbox.reject(tp.trustProductSid, 12345);
    assert.deepEqual((await h.run('getTrustProductStatus', { trustProductSid: tp.trustProductSid })).errors, [
      { code: 12345, message: 'Twilio error 12345' },
    ]);
  });
});

describe('Twilio activities: the review decides on its own', () => {
  test('a prohibited name is rejected 11008 by the automatic review', async () => {
    const h = await startHarness({ autoReview: true, inReviewDelayMs: 0, decisionDelayMs: 0 });
    try {
      const { tp } = await buildProduct(h.run, {
        businessProfileSid: h.sandbox.defaultBusinessProfileSid,
        e164: '+12065550100',
        name: 'wf-fbi',
        displayName: 'FBI PLUMBING',
      });
      assert.deepEqual(await h.run('evaluateTrustProduct', { trustProductSid: tp.trustProductSid }), {
        status: 'compliant',
        failures: [],
      });
      await h.run('submitTrustProduct', { trustProductSid: tp.trustProductSid });
      const status = await h.run('getTrustProductStatus', { trustProductSid: tp.trustProductSid });
      assert.equal(status.status, 'twilio-rejected');
      assert.deepEqual(
        status.errors.map((e) => e.code),
        [11008],
      );
    } finally {
      await h.sandbox.close();
    }
  });
});
