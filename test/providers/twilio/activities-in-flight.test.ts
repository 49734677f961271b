/**
 * Writes that Twilio carries out after our client gave up: the retry must not be refused for them,
 * and the duplicates they leave must be found and removed without touching what is in use.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildProduct, expectFailure, startHarness, type Harness } from './helpers';
import { FailureType } from '../../../src/core/failures';

describe('Twilio activities: writes still in flight when the retry comes', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.sandbox.close());

  test('submit: an earlier attempt landing between our look and our submit counts as submitted, not a 400', async () => {
    const bu = h.sandbox.defaultBusinessProfileSid;
    const { tp } = await buildProduct(h.run, {
      businessProfileSid: bu,
      e164: '+12065550100',
      name: 'in-flight-submit',
    });
    const path = `/v1/TrustProducts/${tp.trustProductSid}`;
    // Attempt 1 lands after 1.5 s, though its client gave up at 0.5 s; attempt 2 looks at once (still draft),
    // and its own submit arrives after attempt 1 landed, so Twilio refuses it as no longer draft.
    h.sandbox.injectFault({ method: 'POST', path, kind: 'slow-write', delayMs: 1_500 });
    h.sandbox.injectFault({ method: 'POST', path, delayMs: 1_500 });
    const impatient = h.runWith({ timeoutMs: 500 });
    await expectFailure(impatient('submitTrustProduct', { trustProductSid: tp.trustProductSid }), {
      type: FailureType.ProviderUnavailable,
      nonRetryable: false,
    });
    assert.deepEqual(await h.run('submitTrustProduct', { trustProductSid: tp.trustProductSid }), {
      status: 'pending-review',
    });
    assert.equal(h.sandbox.state.writeCounts['POST /v1/TrustProducts/:sid'], 1, 'only the first submit was applied');
  });

  test("lists and removes this provisioning's duplicate drafts and End Users, keeping what is in use", async () => {
    const bu = h.sandbox.defaultBusinessProfileSid;
    const kept = await buildProduct(h.run, { businessProfileSid: bu, e164: '+12065550101', name: 'dupes' });
    const names = { trustProduct: 'cnam-tp dupes', endUser: 'cnam-eu dupes' };
    // What a slow first attempt leaves behind once it lands: a second product and End User under the same names.
    const twilio = h.client();
    const strayProduct = await twilio.trusthub.v1.trustProducts.create({
      friendlyName: names.trustProduct,
      email: 'ops@example.com',
      policySid: 'RNf3db3cd1fe25fcfd3c3ded065c8fea53',
    });
    const strayEndUser = await twilio.trusthub.v1.endUsers.create({
      friendlyName: names.endUser,
      type: 'cnam_information',
      attributes: { cnam_display_name: 'ACME PLUMBING' },
    });

    const { trustProducts } = await h.run('listCnamTrustProducts', { friendlyName: names.trustProduct });
    assert.deepEqual(
      trustProducts.map((tp) => tp.sid),
      [kept.tp.trustProductSid, strayProduct.sid],
      'oldest first',
    );
    const { endUsers } = await h.run('listCnamEndUsers', { friendlyName: names.endUser });
    assert.deepEqual(
      endUsers.map((eu) => eu.sid),
      [kept.eu.endUserSid, strayEndUser.sid],
      'oldest first',
    );

    assert.deepEqual(await h.run('deleteDuplicateTrustProduct', { trustProductSid: strayProduct.sid }), {
      deleted: true,
    });
    assert.deepEqual(await h.run('deleteDuplicateTrustProduct', { trustProductSid: strayProduct.sid }), {
      deleted: false,
      reason: 'already gone',
    });
    assert.deepEqual(await h.run('deleteDuplicateEndUser', { endUserSid: strayEndUser.sid }), { deleted: true });
    assert.deepEqual(await h.run('deleteDuplicateEndUser', { endUserSid: strayEndUser.sid }), {
      deleted: false,
      reason: 'already gone',
    });
    assert.ok(h.sandbox.state.trustProducts.has(kept.tp.trustProductSid));
    assert.ok(h.sandbox.state.endUsers.has(kept.eu.endUserSid));
  });

  test('never deletes a product that is with Twilio, nor an End User a submitted product holds', async () => {
    const bu = h.sandbox.defaultBusinessProfileSid;
    const built = await buildProduct(h.run, { businessProfileSid: bu, e164: '+12065550102', name: 'submitted' });
    await h.run('submitTrustProduct', { trustProductSid: built.tp.trustProductSid });
    assert.deepEqual(await h.run('deleteDuplicateTrustProduct', { trustProductSid: built.tp.trustProductSid }), {
      deleted: false,
      reason: 'status pending-review',
    });
    const endUser = await h.run('deleteDuplicateEndUser', { endUserSid: built.eu.endUserSid });
    assert.equal(endUser.deleted, false);
    assert.match(endUser.reason ?? '', /^Twilio 400 .*not draft/);
    assert.equal(h.sandbox.state.trustProducts.get(built.tp.trustProductSid)?.status, 'pending-review');
    assert.ok(h.sandbox.state.endUsers.has(built.eu.endUserSid));
  });
});
