/**
 * Twilio rename, remove and adopt, and cancel-means-undo for them and for the provisioning, on the
 * time-skipping test server against the real Twilio sandbox through the official SDK. Each test
 * reads the sandbox's state back: what a user sees in the Console afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type Activities, createActivities } from '../../src/activities';
import { type CnamWorker, createCnamWorker } from '../../src/worker';
import { CNAM_POLICY_SID, createTwilioClient, type Twilio } from '../../src/providers/twilio/client';
import { DEFAULT_BUSINESS_PROFILE_SID, startTwilioSandbox, type RunningTwilioSandbox } from '../../dev/sandbox/twilio';
import { provisionWorkflowId } from '../../src/config/constants';
import { getStatus, type ProvisionStatus } from '../../src/core/workflow/messages';
import type { LifecycleResult } from '../../src/core/lifecycle';
import { provisionTwilioCnam } from '../../src/providers/twilio/workflow';
import { adoptTwilioCnam, removeTwilioCnam, renameTwilioCnam } from '../../src/providers/twilio/lifecycle-workflow';
import type { TwilioProvisionInput, TwilioRenameInput } from '../../src/providers/twilio/contract';
import { trustProductStatusChanged } from '../../src/providers/twilio/signals';
import { rootApplicationFailure } from '../helpers/failures';
import { createTimeSkippingEnv, eventually, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const HOUR = 3_600_000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let nextNumber = 610;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
});
after(async () => {
  await env?.teardown();
});

interface Harness {
  sandbox: RunningTwilioSandbox;
  twilio: Twilio;
  /** The number under test, and a second one on the same account and Business Profile. */
  e164: string;
  spare: string;
  taskQueue: string;
  activities: Activities;
  worker(activities?: Activities): Promise<CnamWorker>;
  pn(e164: string): string;
}

async function harness(): Promise<Harness> {
  const e164 = `+1206555${String(nextNumber++).padStart(4, '0')}`;
  const spare = `+1206555${String(nextNumber++).padStart(4, '0')}`;
  const sandbox = await startTwilioSandbox({
    numbers: [{ phoneNumber: e164 }, { phoneNumber: spare }],
    autoReview: false,
    inReviewDelayMs: 0,
    decisionDelayMs: 0,
  });
  const twilio = createTwilioClient({
    accountSid: sandbox.accountSid,
    authToken: sandbox.authToken,
    baseUrl: sandbox.url,
  });
  const activities = await createActivities({ flowroute: null, twilio });
  const taskQueue = uniqueTaskQueue('twilio-lifecycle');
  return {
    sandbox,
    twilio,
    e164,
    spare,
    taskQueue,
    activities,
    worker: (a) =>
      createCnamWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue,
        deps: {},
        workflowBundle: bundle,
        activities: a ?? activities,
      }),
    pn: (n) => [...sandbox.state.phoneNumbers.values()].find((p) => p.phoneNumber === n)!.sid,
  };
}

/**
 * A CNAM set up by hand in the Console (through the API, as the Console does): the numbers on the
 * approved Business Profile, a CNAM Trust Product with the profile, a named End User and the numbers, approved.
 */
async function handMadeCnam(h: Harness, numbers: string[], name: string) {
  const th = h.twilio.trusthub.v1;
  const bu = DEFAULT_BUSINESS_PROFILE_SID;
  for (const n of numbers) {
    await th.customerProfiles(bu).customerProfilesChannelEndpointAssignment.create({
      channelEndpointSid: h.pn(n),
      channelEndpointType: 'phone-number',
    });
  }
  const tp = await th.trustProducts.create({
    friendlyName: `by hand ${name}`,
    email: 'hand@example.com',
    policySid: CNAM_POLICY_SID,
  });
  await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: bu });
  const eu = await th.endUsers.create({
    friendlyName: `by hand ${name}`,
    type: 'cnam_information',
    attributes: { cnam_display_name: name },
  });
  await th.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: eu.sid });
  for (const n of numbers) {
    await th.trustProducts(tp.sid).trustProductsChannelEndpointAssignment.create({
      channelEndpointSid: h.pn(n),
      channelEndpointType: 'phone-number',
    });
  }
  await th.trustProducts(tp.sid).update({ status: 'pending-review' });
  h.sandbox.approve(tp.sid);
  return { trustProductSid: tp.sid, endUserSid: eu.sid };
}

/** Which Trust Products the number is on now, as the sandbox holds it. */
function productsOf(h: Harness, e164: string): string[] {
  const pn = h.pn(e164);
  return [...h.sandbox.state.trustProductAssignments.values()]
    .filter((a) => a.channelEndpointSid === pn)
    .map((a) => a.parentSid);
}

function onProfile(h: Harness, e164: string): boolean {
  const pn = h.pn(e164);
  return [...h.sandbox.state.customerProfileAssignments.values()].some((a) => a.channelEndpointSid === pn);
}

const id = (e164: string) => provisionWorkflowId('twilio', e164);

function startProvision(h: Harness, input: Partial<TwilioProvisionInput> = {}) {
  return env.client.workflow.start(provisionTwilioCnam, {
    taskQueue: h.taskQueue,
    workflowId: id(h.e164),
    args: [
      {
        phoneNumber: h.e164,
        businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
        displayName: 'ACME PLUMBING',
        notificationEmail: 'ops@example.com',
        ...input,
      },
    ],
  });
}

function startRename(h: Harness, input: Partial<TwilioRenameInput> = {}, e164 = h.e164) {
  return env.client.workflow.start(renameTwilioCnam, {
    taskQueue: h.taskQueue,
    workflowId: id(e164),
    args: [{ number: e164, displayName: 'ACME HEATING', ...input }],
  });
}

function atStep(handle: WorkflowHandle, step: ProvisionStatus['step']): Promise<ProvisionStatus> {
  return eventually(async () => {
    const s = await handle.query(getStatus);
    return s.step === step ? s : undefined;
  }, step);
}

/** Approves the product under review and tells the workflow, as Twilio's status callback would. */
async function approve(h: Harness, handle: WorkflowHandle, sid: string) {
  h.sandbox.approve(sid);
  await handle.signal(trustProductStatusChanged, { trustProductSid: sid, status: 'twilio-approved' });
}

/** Awaits the run's end and checks it ended cancelled (not failed), then returns its status. */
async function endsCancelled(handle: WorkflowHandle): Promise<ProvisionStatus> {
  const err = await handle.result().then(
    () => assert.fail('expected the run to end cancelled'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, String(err));
  assert.ok(err.cause instanceof CancelledFailure, `cause: ${String(err.cause)}`);
  const status = await handle.query(getStatus);
  assert.equal(status.step, 'cancelled');
  return status;
}

function undoOutcomes(status: ProvisionStatus): Record<string, string> {
  return Object.fromEntries((status.undo ?? []).map((o) => [o.step, o.outcome]));
}

describe('renameTwilioCnam', () => {
  test('after a provisioning: the old name shows until the new product is approved, then the old product and End User are deleted', async () => {
    const h = await harness();
    try {
      const worker = await h.worker();
      await worker.runUntil(async () => {
        const provision = await startProvision(h, { propagationWait: '1h' });
        await approve(h, provision, (await atStep(provision, 'awaiting-approval')).recordId!);
        const provisioned = await provision.result();
        const old = { tp: provisioned.trustProductSid, eu: provisioned.endUserSid };

        const rename = await startRename(h);
        const waiting = await atStep(rename, 'awaiting-approval');
        const fresh = waiting.recordId!;
        assert.notEqual(fresh, old.tp);
        // Under review, the number is still on the old product only: callers still see ACME PLUMBING.
        assert.deepEqual(productsOf(h, h.e164), [old.tp]);
        assert.equal(h.sandbox.state.trustProducts.get(old.tp)?.status, 'twilio-approved');
        assert.equal(h.sandbox.state.trustProducts.get(fresh)?.status, 'in-review');

        await approve(h, rename, fresh);
        const res = await rename.result();
        assert.equal(res.operation, 'rename');
        assert.equal(res.displayName, 'ACME HEATING');
        assert.equal(res.previousDisplayName, 'ACME PLUMBING');
        assert.equal(res.resources.trustProductSid, fresh);
        assert.equal(res.resources.businessProfileSid, DEFAULT_BUSINESS_PROFILE_SID);
        assert.ok(Date.parse(res.effectiveBy!) - Date.parse(waiting.stepsDone.at(-1)!.at) >= 72 * HOUR);
        assert.equal(res.deleted.length, 2, res.deleted.join('; '));

        // Nothing orphaned: one product (the new one, with the number), its End User, its two entity assignments.
        const s = h.sandbox.state;
        assert.deepEqual([...s.trustProducts.keys()], [fresh]);
        assert.deepEqual(productsOf(h, h.e164), [fresh]);
        assert.equal(s.trustProductAssignments.size, 1);
        assert.deepEqual([...s.endUsers.keys()], [res.resources.endUserSid]);
        assert.equal(s.endUsers.get(res.resources.endUserSid!)?.attributes.cnam_display_name, 'ACME HEATING');
        assert.equal(s.entityAssignments.size, 2);
        assert.ok(!s.endUsers.has(old.eu));
      });
    } finally {
      await h.sandbox.close();
    }
  });

  test("rejected: the new product and End User are gone, the number keeps the old name, and the run fails with Twilio's reason", async () => {
    const h = await harness();
    try {
      const old = await handMadeCnam(h, [h.e164], 'ACME PLUMBING');
      const worker = await h.worker();
      await worker.runUntil(async () => {
        const rename = await startRename(h, { displayName: 'ACME HEATING CO' });
        const fresh = (await atStep(rename, 'awaiting-approval')).recordId!;
        h.sandbox.reject(fresh, 11007);
        const err = await rename.result().then(
          () => assert.fail('expected the rename to fail'),
          (e: unknown) => e,
        );
        const failure = rootApplicationFailure(err);
        assert.equal(failure?.type, 'CnamRejected');
        assert.match(failure?.message ?? '', /11007: The CNAM display name does not match the business name/);
        const status = await rename.query(getStatus);
        assert.equal(status.step, 'failed');
        assert.equal(Object.values(undoOutcomes(status))[0], 'undone');
      });
      const s = h.sandbox.state;
      assert.deepEqual([...s.trustProducts.keys()], [old.trustProductSid]);
      assert.equal(s.trustProducts.get(old.trustProductSid)?.status, 'twilio-approved');
      assert.deepEqual([...s.endUsers.keys()], [old.endUserSid]);
      assert.deepEqual(productsOf(h, h.e164), [old.trustProductSid]);
    } finally {
      await h.sandbox.close();
    }
  });

  test('the same name again completes at once and changes nothing; a number with no CNAM is refused', async () => {
    const h = await harness();
    try {
      const old = await handMadeCnam(h, [h.e164], 'ACME PLUMBING');
      const writesBefore = { ...h.sandbox.state.writeCounts };
      const worker = await h.worker();
      await worker.runUntil(async () => {
        const res = await (await startRename(h, { displayName: 'Acme Plumbing' })).result();
        assert.equal(res.displayName, 'ACME PLUMBING');
        assert.equal(res.resources.trustProductSid, old.trustProductSid);
        assert.match(res.kept.join(' '), /already carries/);
        const err = await (await startRename(h, {}, h.spare)).result().then(
          () => assert.fail('expected the rename to fail'),
          (e: unknown) => e,
        );
        assert.match(rootApplicationFailure(err)?.message ?? '', /shows no CNAM at Twilio.*use provision/);
      });
      assert.deepEqual(h.sandbox.state.writeCounts, writesBefore, 'no write at Twilio');
    } finally {
      await h.sandbox.close();
    }
  });

  test('cancelled mid-review: the number keeps the old name; the new product in review is kept and reported', async () => {
    const h = await harness();
    try {
      const old = await handMadeCnam(h, [h.e164], 'ACME PLUMBING');
      const worker = await h.worker();
      const status = await worker.runUntil(async () => {
        const rename = await startRename(h);
        await atStep(rename, 'awaiting-approval');
        await rename.cancel();
        return endsCancelled(rename);
      });
      const fresh = status.recordId!;
      assert.deepEqual(
        status.undo?.map((o) => o.outcome),
        ['kept'],
      );
      assert.match(
        status.undo![0]!.detail,
        new RegExp(`Trust Product ${fresh} is in review at Twilio and cannot be withdrawn`),
      );
      const s = h.sandbox.state;
      assert.deepEqual(productsOf(h, h.e164), [old.trustProductSid]);
      assert.equal(s.trustProducts.get(old.trustProductSid)?.status, 'twilio-approved');
      assert.ok(s.endUsers.has(old.endUserSid));
      assert.equal(s.trustProducts.get(fresh)?.status, 'in-review');
    } finally {
      await h.sandbox.close();
    }
  });
});

describe('removeTwilioCnam', () => {
  test('a second number on the product keeps it; removing the last number deletes the product and its End User', async () => {
    const h = await harness();
    try {
      const shared = await handMadeCnam(h, [h.e164, h.spare], 'ACME PLUMBING');
      const worker = await h.worker();
      await worker.runUntil(async () => {
        const first = await env.client.workflow.start(removeTwilioCnam, {
          taskQueue: h.taskQueue,
          workflowId: id(h.e164),
          args: [{ number: h.e164 }],
        });
        const res = await first.result();
        assert.equal(res.displayName, null);
        assert.equal(res.previousDisplayName, 'ACME PLUMBING');
        assert.deepEqual(res.deleted, []);
        assert.match(res.kept.join(' '), new RegExp(`${shared.trustProductSid}.*kept: 1 other number`));
        assert.deepEqual(productsOf(h, h.e164), []);
        assert.deepEqual(productsOf(h, h.spare), [shared.trustProductSid]);
        assert.equal(h.sandbox.state.trustProducts.get(shared.trustProductSid)?.status, 'twilio-approved');

        // Any common format: normalised before the lookup.
        const last = await env.client.workflow.start(removeTwilioCnam, {
          taskQueue: h.taskQueue,
          workflowId: id(h.spare),
          args: [{ number: `(206) 555-${h.spare.slice(-4)}` }],
        });
        const done = await last.result();
        assert.equal(done.number, h.spare);
        assert.equal(done.deleted.length, 2, done.deleted.join('; '));
      });
      const s = h.sandbox.state;
      assert.equal(s.trustProducts.size, 0);
      assert.equal(s.endUsers.size, 0);
      assert.equal(s.trustProductAssignments.size, 0);
      assert.equal(s.entityAssignments.size, 0);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a number on no CNAM product: completes with nothing removed, and says so', async () => {
    const h = await harness();
    try {
      const worker = await h.worker();
      const res = await worker.runUntil(async () =>
        (
          await env.client.workflow.start(removeTwilioCnam, {
            taskQueue: h.taskQueue,
            workflowId: id(h.e164),
            args: [{ number: h.e164 }],
          })
        ).result(),
      );
      assert.equal(res.previousDisplayName, null);
      assert.deepEqual(res.deleted, []);
      assert.match(res.kept.join(' '), /nothing to remove/);
    } finally {
      await h.sandbox.close();
    }
  });
});

describe('adoptTwilioCnam', () => {
  test('records a name set up by hand, then a rename replaces it and deletes the hand-made product', async () => {
    const h = await harness();
    try {
      const hand = await handMadeCnam(h, [h.e164], 'PACIFIC DENTAL');
      const worker = await h.worker();
      await worker.runUntil(async () => {
        const adopted: LifecycleResult = await (
          await env.client.workflow.start(adoptTwilioCnam, {
            taskQueue: h.taskQueue,
            workflowId: id(h.e164),
            args: [{ number: h.e164 }],
          })
        ).result();
        assert.equal(adopted.displayName, 'PACIFIC DENTAL');
        assert.equal(adopted.previousDisplayName, 'PACIFIC DENTAL');
        assert.deepEqual(adopted.resources, {
          trustProductSid: hand.trustProductSid,
          endUserSid: hand.endUserSid,
          businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
          phoneNumberSid: h.pn(h.e164),
        });
        assert.match(adopted.kept.join(' '), /twilio-approved/);

        const rename = await startRename(h, { displayName: 'PACIFIC ORTHO' });
        await approve(h, rename, (await atStep(rename, 'awaiting-approval')).recordId!);
        const renamed = await rename.result();
        assert.equal(renamed.previousDisplayName, 'PACIFIC DENTAL');
        // The new product took the hand-made one's notification email.
        assert.equal(h.sandbox.state.trustProducts.get(renamed.resources.trustProductSid!)?.email, 'hand@example.com');
      });
      const s = h.sandbox.state;
      assert.ok(!s.trustProducts.has(hand.trustProductSid));
      assert.ok(!s.endUsers.has(hand.endUserSid));
      assert.equal(s.trustProducts.size, 1);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a number on no CNAM product fails, saying there is nothing to adopt', async () => {
    const h = await harness();
    try {
      const worker = await h.worker();
      const err = await worker.runUntil(async () =>
        (
          await env.client.workflow.start(adoptTwilioCnam, {
            taskQueue: h.taskQueue,
            workflowId: id(h.e164),
            args: [{ number: h.e164 }],
          })
        )
          .result()
          .then(
            () => assert.fail('expected adopt to fail'),
            (e: unknown) => e,
          ),
      );
      assert.equal(rootApplicationFailure(err)?.type, 'ProviderRefused');
      assert.match(rootApplicationFailure(err)?.message ?? '', /nothing to adopt/);
    } finally {
      await h.sandbox.close();
    }
  });
});

describe('provisionTwilioCnam, cancelled', () => {
  /** Activities whose `name` waits for `release` before running: the test cancels while it is in flight. */
  function gated(h: Harness, name: string) {
    let release!: () => void;
    let entered!: () => void;
    const released = new Promise<void>((r) => {
      release = r;
    });
    const reached = new Promise<void>((r) => {
      entered = r;
    });
    const activities: Activities = {
      ...h.activities,
      [name]: async (input: never) => {
        entered();
        await released;
        return h.activities[name]!(input);
      },
    };
    return { activities, release, reached };
  }

  test('before submit: everything it made is removed (number off profile and product, product and End User deleted); another product is untouched', async () => {
    const h = await harness();
    try {
      const other = await handMadeCnam(h, [h.spare], 'OTHER NAME');
      const before = { products: h.sandbox.state.trustProducts.size, endUsers: h.sandbox.state.endUsers.size };
      const gate = gated(h, 'evaluateTrustProduct');
      const worker = await h.worker(gate.activities);
      const status = await worker.runUntil(async () => {
        const handle = await startProvision(h);
        await gate.reached;
        await handle.cancel();
        // The activity finishes only once the workflow has asked to cancel it: the write in flight lands after the cancel.
        await eventually(
          async () => (await handle.fetchHistory()).events?.some((e) => e.activityTaskCancelRequestedEventAttributes),
          'the cancel request for the evaluation in flight',
        );
        gate.release();
        return endsCancelled(handle);
      });
      assert.ok(
        (status.undo ?? []).every((o) => o.outcome === 'undone'),
        JSON.stringify(status.undo),
      );
      const s = h.sandbox.state;
      assert.deepEqual([...s.trustProducts.keys()], [other.trustProductSid]);
      assert.equal(s.trustProducts.size, before.products);
      assert.equal(s.endUsers.size, before.endUsers);
      assert.deepEqual(productsOf(h, h.e164), []);
      assert.equal(onProfile(h, h.e164), false, 'the number is off the Business Profile this run put it on');
      assert.deepEqual(productsOf(h, h.spare), [other.trustProductSid]);
      assert.equal(s.trustProducts.get(other.trustProductSid)?.status, 'twilio-approved');
    } finally {
      await h.sandbox.close();
    }
  });

  test('in review: the number comes off, the product in review is kept and reported, a profile number it did not add stays', async () => {
    const h = await harness();
    try {
      // The number was on the Business Profile before this run.
      await h.twilio.trusthub.v1
        .customerProfiles(DEFAULT_BUSINESS_PROFILE_SID)
        .customerProfilesChannelEndpointAssignment.create({
          channelEndpointSid: h.pn(h.e164),
          channelEndpointType: 'phone-number',
        });
      const worker = await h.worker();
      const status = await worker.runUntil(async () => {
        const handle = await startProvision(h);
        await atStep(handle, 'awaiting-approval');
        await handle.cancel();
        return endsCancelled(handle);
      });
      const tp = status.recordId!;
      const outcomes = undoOutcomes(status);
      assert.equal(outcomes[`take ${h.e164} off Trust Product ${tp}`], 'undone');
      assert.equal(outcomes[`take ${h.e164} off Business Profile ${DEFAULT_BUSINESS_PROFILE_SID}`], 'nothing');
      const names = Object.keys(outcomes).find((k) => k.startsWith('delete Trust Product'))!;
      assert.equal(outcomes[names], 'kept');
      assert.match(
        status.undo!.find((o) => o.step === names)!.detail,
        new RegExp(`Trust Product ${tp} is in review at Twilio and cannot be withdrawn`),
      );
      assert.deepEqual(productsOf(h, h.e164), []);
      assert.equal(onProfile(h, h.e164), true);
      assert.equal(h.sandbox.state.trustProducts.get(tp)?.status, 'in-review');
    } finally {
      await h.sandbox.close();
    }
  });

  test('after approval, during propagation: the approved product, its End User and the assignments are removed', async () => {
    const h = await harness();
    try {
      const worker = await h.worker();
      const status = await worker.runUntil(async () => {
        const handle = await startProvision(h);
        await approve(h, handle, (await atStep(handle, 'awaiting-approval')).recordId!);
        await atStep(handle, 'awaiting-propagation');
        await handle.cancel();
        return endsCancelled(handle);
      });
      assert.ok(status.stepsDone.some((s) => s.step === 'undoing'));
      assert.ok(
        (status.undo ?? []).every((o) => o.outcome === 'undone'),
        JSON.stringify(status.undo),
      );
      const s = h.sandbox.state;
      assert.equal(s.trustProducts.size, 0);
      assert.equal(s.endUsers.size, 0);
      assert.equal(s.trustProductAssignments.size, 0);
      assert.equal(onProfile(h, h.e164), false);
    } finally {
      await h.sandbox.close();
    }
  });
});
