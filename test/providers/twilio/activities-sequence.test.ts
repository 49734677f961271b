import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildProduct, startHarness, type Harness } from './helpers';

const SID = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

describe('Twilio activities: the CNAM sequence', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.sandbox.close());

  test('steps in order end compliant, submitted, approved, with lookup on', async () => {
    const bu = h.sandbox.defaultBusinessProfileSid;
    assert.deepEqual(await h.run('getBusinessProfile', { businessProfileSid: bu }), {
      status: 'twilio-approved',
      friendlyName: 'Acme Plumbing LLC',
    });
    const built = await buildProduct(h.run, { businessProfileSid: bu, e164: '+12065550100', name: 'wf-seq' });
    assert.match(built.phoneNumberSid, SID('PN'));
    assert.match(built.profileAssignment.assignmentSid, SID('RA'));
    assert.equal(built.tp.status, 'draft');
    assert.match(built.tp.trustProductSid, SID('BU'));
    assert.match(built.eu.endUserSid, SID('IT'));
    assert.match(built.endUserOnProduct.assignmentSid, SID('BV'));
    for (const step of [
      built.profileAssignment,
      built.tp,
      built.profileOnProduct,
      built.eu,
      built.endUserOnProduct,
      built.numberOnProduct,
    ]) {
      assert.equal(step.created, true);
    }
    const trustProductSid = built.tp.trustProductSid;
    assert.deepEqual(await h.run('evaluateTrustProduct', { trustProductSid }), { status: 'compliant', failures: [] });
    assert.deepEqual(await h.run('submitTrustProduct', { trustProductSid }), { status: 'pending-review' });
    h.sandbox.approve(trustProductSid);
    assert.deepEqual(await h.run('getTrustProductStatus', { trustProductSid }), {
      status: 'twilio-approved',
      errors: [],
    });
    assert.deepEqual(await h.run('enableCallerNameLookup', { phoneNumberSid: built.phoneNumberSid }), {
      voiceCallerIdLookup: true,
    });
    assert.equal(h.sandbox.state.phoneNumbers.get(built.phoneNumberSid)?.voiceCallerIdLookup, true);
    assert.ok(
      h.logs.some((l) => l.message === 'CNAM Trust Product created'),
      'activities log through the SDK logger',
    );
  });
});

describe('Twilio activities: every write is idempotent', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.sandbox.close());

  const counts = (h: Harness) => {
    const s = h.sandbox.state;
    return {
      trustProducts: s.trustProducts.size,
      endUsers: s.endUsers.size,
      entityAssignments: s.entityAssignments.size,
      profileNumbers: s.customerProfileAssignments.size,
      productNumbers: s.trustProductAssignments.size,
    };
  };

  test('running every create/assign twice returns the same SIDs with created:false', async () => {
    const input = { businessProfileSid: h.sandbox.defaultBusinessProfileSid, e164: '+12065550101', name: 'wf-twice' };
    const first = await buildProduct(h.run, input);
    // A restarted worker: new SDK client and activities, same sandbox.
    const second = await buildProduct(h.runWith({}), input);
    assert.equal(second.tp.trustProductSid, first.tp.trustProductSid);
    assert.equal(second.eu.endUserSid, first.eu.endUserSid);
    for (const key of ['profileAssignment', 'profileOnProduct', 'endUserOnProduct', 'numberOnProduct'] as const) {
      assert.deepEqual(second[key], { assignmentSid: first[key].assignmentSid, created: false }, key);
    }
    assert.equal(second.tp.created, false);
    assert.deepEqual({ ...second.eu }, { endUserSid: first.eu.endUserSid, created: false, updated: false });
    assert.deepEqual(counts(h), {
      trustProducts: 1,
      endUsers: 1,
      entityAssignments: 2,
      profileNumbers: 1,
      productNumbers: 1,
    });
  });

  test('the End User is found past the first page and its display name is corrected in place', async () => {
    // 150 unrelated End Users push ours onto a later page of 100.
    for (let i = 0; i < 150; i++) {
      await h.run('findOrCreateCnamEndUser', { friendlyName: `filler ${i}`, displayName: 'FILLER' });
    }
    const before = counts(h);
    const again = await h.run('findOrCreateCnamEndUser', { friendlyName: 'filler 149', displayName: 'NEW NAME' });
    assert.equal(again.created, false);
    assert.equal(again.updated, true);
    assert.deepEqual(h.sandbox.state.endUsers.get(again.endUserSid)?.attributes, { cnam_display_name: 'NEW NAME' });
    assert.deepEqual(counts(h), before);
  });

  test('a concurrent attempt that wins the create (409) is reused, not duplicated', async () => {
    const statuses: number[] = [];
    const h2 = await startHarness({ onExchange: (e) => void statuses.push(e.status) });
    try {
      const bu = h2.sandbox.defaultBusinessProfileSid;
      const { phoneNumberSid } = await h2.run('resolveTwilioPhoneNumber', { e164: '+12065550102' });
      // Hold one create back so both attempts see "none yet" and the slower one gets 409.
      h2.sandbox.injectFault({
        method: 'POST',
        path: `/v1/CustomerProfiles/${bu}/ChannelEndpointAssignments`,
        delayMs: 150,
      });
      const [a, b] = await Promise.all([
        h2.run('assignNumberToBusinessProfile', { businessProfileSid: bu, phoneNumberSid }),
        h2.run('assignNumberToBusinessProfile', { businessProfileSid: bu, phoneNumberSid }),
      ]);
      assert.equal(a.assignmentSid, b.assignmentSid);
      assert.deepEqual([a.created, b.created].sort(), [false, true]);
      assert.equal(h2.sandbox.state.customerProfileAssignments.size, 1);
      assert.ok(statuses.includes(409), 'the slower create should have met a 409');
    } finally {
      await h2.sandbox.close();
    }
  });
});
