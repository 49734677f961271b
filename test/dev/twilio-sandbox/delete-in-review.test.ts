import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conformanceErrors } from './openapi-validator';
import { buildCnamProduct, expectRestError, fakeClock, recorded, startTestSandbox } from './helpers';

describe('deleting a Trust Product under review (injected clock)', () => {
  test('refused while pending-review or in-review (400 / 20001); allowed once decided, either way', async () => {
    const clock = fakeClock();
    const { client, sandbox } = await startTestSandbox({
      now: clock.now,
      inReviewDelayMs: 1000,
      decisionDelayMs: 5000,
      autoReview: false,
    });
    try {
      const th = client.trusthub.v1;
      const bu = sandbox.defaultBusinessProfileSid;
      const first = await buildCnamProduct(client, { profileSid: bu, phoneNumber: '+12065550100' });
      const second = await buildCnamProduct(client, { profileSid: bu, phoneNumber: '+12065550101' });
      for (const { trustProductSid } of [first, second])
        await th.trustProducts(trustProductSid).update({ status: 'pending-review' });

      const underReview = {
        status: 400,
        code: 20001,
        message: /is under review \(pending-review\).*until Twilio decides/,
      };
      await expectRestError(th.trustProducts(first.trustProductSid).remove(), underReview);
      clock.advance(1000);
      await expectRestError(th.trustProducts(first.trustProductSid).remove(), {
        ...underReview,
        message: /is under review \(in-review\)/,
      });
      // Refused means untouched: the number and the End User are still on it.
      assert.equal((await th.trustProducts(first.trustProductSid).fetch()).status, 'in-review');
      assert.equal(
        (await th.trustProducts(first.trustProductSid).trustProductsChannelEndpointAssignment.list()).length,
        1,
      );
      assert.equal((await th.trustProducts(first.trustProductSid).trustProductsEntityAssignments.list()).length, 2);

      sandbox.approve(first.trustProductSid);
      sandbox.reject(second.trustProductSid, 11008);
      for (const { trustProductSid } of [first, second]) {
        assert.equal(await th.trustProducts(trustProductSid).remove(), true);
        await expectRestError(th.trustProducts(trustProductSid).fetch(), { status: 404, code: 20404 });
      }
      // With its product gone, nothing holds the End User any more.
      assert.equal(await th.endUsers(first.endUserSid).remove(), true);
    } finally {
      await sandbox.close();
    }
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.some(({ exchange }) => exchange.method === 'DELETE' && exchange.status === 400));
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
