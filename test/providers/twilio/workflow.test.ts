/**
 * provisionTwilioCnam on the time-skipping test server, against the real Twilio sandbox through
 * the official SDK: a multi-day review, rejection, non-compliance, and crashes between every step.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type Activities, createActivities } from '../../../src/activities';
import { type CnamWorker, createCnamWorker } from '../../../src/worker';
import { createTwilioClient } from '../../../src/providers/twilio/client';
import { startProvision } from '../../../src/app/start';
import {
  DEFAULT_BUSINESS_PROFILE_SID,
  startTwilioSandbox,
  type RunningTwilioSandbox,
} from '../../../dev/sandbox/twilio';
import { getStatus } from '../../../src/core/workflow/messages';
import type { TwilioProvisionInput, TwilioProvisionResult } from '../../../src/providers/twilio/contract';
import { trustProductStatusChanged } from '../../../src/providers/twilio/signals';
import { rootApplicationFailure } from '../../helpers/failures';
import { createTimeSkippingEnv, eventually, uniqueTaskQueue, workflowBundle } from '../../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WRITES = [
  'assignNumberToBusinessProfile',
  'findOrCreateCnamTrustProduct',
  'assignToTrustProduct',
  'findOrCreateCnamEndUser',
  'assignNumberToTrustProduct',
  'submitTrustProduct',
  'enableCallerNameLookup',
];

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let nextNumber = 210;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
});
after(async () => {
  await env?.teardown();
});

interface Harness {
  sandbox: RunningTwilioSandbox;
  e164: string;
  /** A second number on the account, for multi-number provisioning. */
  spare: string;
  taskQueue: string;
  activities: Awaited<ReturnType<typeof createActivities>>;
  newWorker(options?: { replayOnly?: boolean; activities?: Activities }): Promise<CnamWorker>;
  start(input?: Partial<TwilioProvisionInput>): Promise<string>;
}

async function harness(options: { autoReview?: boolean; timeoutMs?: number } = {}): Promise<Harness> {
  const e164 = `+1206555${String(nextNumber++).padStart(4, '0')}`;
  const spare = `+1206555${String(nextNumber++).padStart(4, '0')}`;
  const sandbox = await startTwilioSandbox({
    numbers: [{ phoneNumber: e164 }, { phoneNumber: spare }],
    autoReview: options.autoReview ?? false,
    inReviewDelayMs: 0,
    decisionDelayMs: 0,
  });
  const twilio = createTwilioClient({
    accountSid: sandbox.accountSid,
    authToken: sandbox.authToken,
    baseUrl: sandbox.url,
    timeoutMs: options.timeoutMs ?? 5_000,
  });
  const activities = await createActivities({ flowroute: null, twilio });
  const taskQueue = uniqueTaskQueue('twilio');
  return {
    sandbox,
    e164,
    spare,
    taskQueue,
    activities,
    newWorker: (o) =>
      createCnamWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue,
        deps: {},
        workflowBundle: bundle,
        activities: o?.activities ?? activities,
        ...(o?.replayOnly && { maxCachedWorkflows: 0 }),
      }),
    start: async (input) =>
      (
        await startProvision(env.client, taskQueue, {
          provider: 'twilio',
          phoneNumber: e164,
          businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
          displayName: 'ACME PLUMBING',
          notificationEmail: 'ops@example.com',
          ...input,
        })
      ).workflowId,
  };
}

function result(id: string): Promise<TwilioProvisionResult> {
  return env.client.workflow.getHandle(id).result();
}

function failureOf(id: string): Promise<unknown> {
  return result(id).then(
    () => assert.fail('expected the workflow to fail'),
    (e: unknown) => e,
  );
}

/** What the sandbox holds at the end: one of everything is the point of idempotent activities. */
function counts(sandbox: RunningTwilioSandbox) {
  const s = sandbox.state;
  return {
    trustProducts: s.trustProducts.size,
    endUsers: s.endUsers.size,
    entityAssignments: s.entityAssignments.size,
    trustProductNumbers: s.trustProductAssignments.size,
    profileNumbers: [...s.customerProfileAssignments.values()].length,
  };
}

describe('provisionTwilioCnam', () => {
  test('waits out a 3-day review, enables Caller Name Lookup, then the 72 h propagation', async () => {
    const h = await harness();
    const profileNumbersBefore = counts(h.sandbox).profileNumbers;
    try {
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => {
        const id = await h.start();
        const waiting = await eventually(async () => {
          const s = await env.client.workflow.getHandle(id).query(getStatus);
          return s.step === 'awaiting-approval' ? s : undefined;
        }, 'awaiting-approval');
        assert.equal(waiting.provider, 'twilio');
        assert.match(waiting.recordId ?? '', /^BU[0-9a-f]{32}$/);
        await env.sleep(3 * DAY);
        h.sandbox.approve(waiting.recordId!);
        return result(id);
      });
      assert.ok(Date.parse(res.approvedAt) - Date.parse(res.submittedAt) >= 3 * DAY);
      assert.ok(Date.parse(res.completedAt) - Date.parse(res.callerNameLookupEnabledAt ?? '') >= 72 * HOUR);
      assert.equal(res.numbers[0]?.phoneNumber, h.e164);
      const tp = h.sandbox.state.trustProducts.get(res.trustProductSid);
      assert.equal(tp?.status, 'twilio-approved');
      assert.deepEqual(counts(h.sandbox), {
        trustProducts: 1,
        endUsers: 1,
        entityAssignments: 2,
        trustProductNumbers: 1,
        profileNumbers: profileNumbersBefore + 1,
      });
      const number = [...h.sandbox.state.phoneNumbers.values()].find((n) => n.phoneNumber === h.e164);
      assert.equal(number?.voiceCallerIdLookup, true);
      assert.equal(h.sandbox.state.endUsers.get(res.endUserSid)?.attributes.cnam_display_name, 'ACME PLUMBING');
    } finally {
      await h.sandbox.close();
    }
  });

  test("fails with Twilio's reasons when the review rejects the name", async () => {
    const h = await harness();
    try {
      const worker = await h.newWorker();
      const err = await worker.runUntil(async () => {
        const id = await h.start();
        const tp = await eventually(async () => {
          const s = await env.client.workflow.getHandle(id).query(getStatus);
          return s.step === 'awaiting-approval' ? s.recordId : undefined;
        }, 'submission');
        h.sandbox.reject(tp!, 11008);
        return failureOf(id);
      });
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'CnamRejected');
      assert.match(failure?.message ?? '', /11008/);
      const number = [...h.sandbox.state.phoneNumbers.values()].find((n) => n.phoneNumber === h.e164);
      assert.equal(number?.voiceCallerIdLookup, false, 'lookup is not enabled for a rejected name');
    } finally {
      await h.sandbox.close();
    }
  });

  test('fails with the evaluation reasons when the Trust Product is not compliant, without submitting', async () => {
    const h = await harness();
    try {
      // Someone already put a second cnam_information End User on this provisioning's Trust Product.
      const id = `cnam-twilio-${h.e164.slice(1)}`;
      const client = createTwilioClient({
        accountSid: h.sandbox.accountSid,
        authToken: h.sandbox.authToken,
        baseUrl: h.sandbox.url,
      });
      const tp = await client.trusthub.v1.trustProducts.create({
        friendlyName: `${id} CNAM`,
        email: 'ops@example.com',
        policySid: 'RNf3db3cd1fe25fcfd3c3ded065c8fea53',
      });
      const other = await client.trusthub.v1.endUsers.create({
        friendlyName: 'other',
        type: 'cnam_information',
        attributes: { cnam_display_name: 'OTHER NAME' },
      });
      await client.trusthub.v1.trustProducts(tp.sid).trustProductsEntityAssignments.create({ objectSid: other.sid });

      const worker = await h.newWorker();
      const err = await worker.runUntil(async () => failureOf(await h.start()));
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'EvaluationFailed');
      assert.match(failure?.message ?? '', /noncompliant/);
      assert.equal(h.sandbox.state.trustProducts.get(tp.sid)?.status, 'draft', 'not submitted');
    } finally {
      await h.sandbox.close();
    }
  });

  test('a status callback signal wakes the review wait at once', async () => {
    const h = await harness();
    try {
      const worker = await h.newWorker();
      await worker.runUntil(async () => {
        const id = await h.start({ reviewPollInitial: '6h' });
        const handle = env.client.workflow.getHandle(id);
        const waiting = await eventually(async () => {
          const s = await handle.query(getStatus);
          return s.step === 'awaiting-approval' && s.nextCheckAt ? s : undefined;
        }, 'a scheduled check');
        h.sandbox.approve(waiting.recordId!);
        await handle.signal(trustProductStatusChanged, {
          trustProductSid: waiting.recordId!,
          status: 'twilio-approved',
        });
        const after = await eventually(async () => {
          const s = await handle.query(getStatus);
          return s.step === 'awaiting-propagation' ? s : undefined;
        }, 'propagation');
        const enabled = after.stepsDone.find((s) => s.step === 'enabling-lookup')!;
        assert.ok(Date.parse(enabled.at) < Date.parse(waiting.nextCheckAt!));
        await handle.terminate('test done');
      });
    } finally {
      await h.sandbox.close();
    }
  });

  test('a worker crash after every Twilio write leaves exactly one of each resource', async () => {
    const h = await harness({ autoReview: true });
    const profileNumbersBefore = counts(h.sandbox).profileNumbers;
    try {
      // Each write succeeds at Twilio, then the attempt "crashes" before reporting: the retry must reuse.
      const crashedOnce = new Set<string>();
      const crashy = Object.fromEntries(
        Object.entries(h.activities).map(([name, fn]) => [
          name,
          async (input: unknown) => {
            const out = await (fn as (i: unknown) => Promise<unknown>)(input);
            const key = `${name}:${JSON.stringify(input)}`;
            if (WRITES.includes(name) && !crashedOnce.has(key)) {
              crashedOnce.add(key);
              throw ApplicationFailure.retryable(`simulated crash after ${name}`, 'SimulatedCrash');
            }
            return out;
          },
        ]),
      );
      const worker = await h.newWorker({ activities: crashy });
      const res = await worker.runUntil(async () => result(await h.start()));
      assert.ok(crashedOnce.size >= 8, `crashed after ${crashedOnce.size} writes`);
      assert.deepEqual(counts(h.sandbox), {
        trustProducts: 1,
        endUsers: 1,
        entityAssignments: 2,
        trustProductNumbers: 1,
        profileNumbers: profileNumbersBefore + 1,
      });
      assert.equal(h.sandbox.state.trustProducts.get(res.trustProductSid)?.status, 'twilio-approved');
    } finally {
      await h.sandbox.close();
    }
  });

  test('creates that Twilio carries out after our client gave up leave no second Trust Product or End User', async () => {
    // The client waits 1 s; Twilio applies each first create after 4 s, when the retry (1 s later) has made its own.
    const h = await harness({ timeoutMs: 1_000 });
    const profileNumbersBefore = counts(h.sandbox).profileNumbers;
    try {
      for (const path of ['/v1/TrustProducts', '/v1/EndUsers'])
        h.sandbox.injectFault({ method: 'POST', path, kind: 'slow-write', delayMs: 4_000 });
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => {
        const id = await h.start({ propagationWait: '1h' });
        // The review is decided by hand once both slow creates have landed beside the retries' ones.
        const waiting = await eventually(async () => {
          const s = await env.client.workflow.getHandle(id).query(getStatus);
          const w = h.sandbox.state.writeCounts;
          return s.step === 'awaiting-approval' && w['POST /v1/TrustProducts'] === 2 && w['POST /v1/EndUsers'] === 2
            ? s
            : undefined;
        }, 'both slow creates landed while the workflow waits for the review');
        h.sandbox.approve(waiting.recordId!);
        return result(id);
      });
      assert.deepEqual(counts(h.sandbox), {
        trustProducts: 1,
        endUsers: 1,
        entityAssignments: 2,
        trustProductNumbers: 1,
        profileNumbers: profileNumbersBefore + 1,
      });
      assert.equal(h.sandbox.state.trustProducts.get(res.trustProductSid)?.status, 'twilio-approved');
      assert.ok(h.sandbox.state.endUsers.has(res.endUserSid));
    } finally {
      await h.sandbox.close();
    }
  });

  test('lost responses and resets at every write still end with one of each resource', async () => {
    const h = await harness({ autoReview: true });
    const profileNumbersBefore = counts(h.sandbox).profileNumbers;
    try {
      // Applied but unanswered: the number on the profile, the product, both entity assignments, the End User
      // and Caller Name Lookup; then connections reset before the number's assignment and the lookup land.
      const faults = [
        ['/v1/CustomerProfiles/', 'lost-response', 1],
        ['/v1/TrustProducts', 'lost-response', 3],
        ['/v1/TrustProducts', 'reset', 1],
        ['/v1/EndUsers', 'lost-response', 1],
        ['/2010-04-01/Accounts/', 'lost-response', 1],
        ['/2010-04-01/Accounts/', 'reset', 1],
      ] as const;
      for (const [path, kind, count] of faults) h.sandbox.injectFault({ method: 'POST', path, kind, count });
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => result(await h.start({ propagationWait: '1h' })));
      assert.deepEqual(h.sandbox.faults(), [], 'every fault fired (spent faults disappear)');
      assert.deepEqual(counts(h.sandbox), {
        trustProducts: 1,
        endUsers: 1,
        entityAssignments: 2,
        trustProductNumbers: 1,
        profileNumbers: profileNumbersBefore + 1,
      });
      assert.equal(h.sandbox.state.trustProducts.get(res.trustProductSid)?.status, 'twilio-approved');
    } finally {
      await h.sandbox.close();
    }
  });

  test('two numbers, listed once instead of looked up one by one; lost responses on their assignments still end with one each', async () => {
    const h = await harness({ autoReview: true });
    const profileNumbersBefore = counts(h.sandbox).profileNumbers;
    try {
      // Applied but unanswered: the first number put on the Business Profile (the listing said it was absent, so
      // the first attempt did not look; the retry finds it, by looking or through Twilio's 409) and the first
      // assignment to the Trust Product.
      h.sandbox.injectFault({ method: 'POST', path: '/v1/CustomerProfiles/', kind: 'lost-response', count: 1 });
      h.sandbox.injectFault({ method: 'POST', path: '/v1/TrustProducts/', kind: 'lost-response', count: 1 });
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () =>
        result(await h.start({ additionalPhoneNumbers: [h.spare], propagationWait: '1h' })),
      );
      assert.deepEqual(counts(h.sandbox), {
        trustProducts: 1,
        endUsers: 1,
        entityAssignments: 2,
        trustProductNumbers: 2,
        profileNumbers: profileNumbersBefore + 2,
      });
      assert.deepEqual(
        res.numbers.map((n) => n.phoneNumber),
        [h.e164, h.spare],
      );
      const requests = h.sandbox.state.requestCounts;
      assert.equal(
        requests['GET /2010-04-01/Accounts/:accountSid/IncomingPhoneNumbers.json'],
        1,
        'the numbers were read once, not once each',
      );
    } finally {
      await h.sandbox.close();
    }
  });

  test('a new worker after every step (replaying history each time) still ends with one of each resource', async () => {
    const h = await harness({ autoReview: true });
    const profileNumbersBefore = counts(h.sandbox).profileNumbers;
    try {
      // One activity per worker: once a worker has completed one, it turns further tasks away until it is replaced.
      let completed = 0;
      let doneThisWorker = false;
      const counting = Object.fromEntries(
        Object.entries(h.activities).map(([name, fn]) => [
          name,
          async (input: unknown) => {
            if (doneThisWorker) throw ApplicationFailure.retryable('this worker is about to stop', 'WorkerStopping');
            const out = await (fn as (i: unknown) => Promise<unknown>)(input);
            doneThisWorker = true;
            completed++;
            return out;
          },
        ]),
      );
      const id = await h.start({ propagationWait: '1h' });
      const handle = env.client.workflow.getHandle(id);
      let workers = 0;
      while ((await handle.describe()).status.name === 'RUNNING') {
        const before = completed;
        const worker = await h.newWorker({ replayOnly: true, activities: counting });
        doneThisWorker = false;
        workers++;
        await worker.runUntil(
          eventually(
            async () => {
              if (completed > before || (await handle.describe()).status.name !== 'RUNNING') return true;
              // Waiting on a timer: move the test server's clock past it (it only skips on its own while a result is awaited).
              const { nextCheckAt } = await handle.query(getStatus);
              const ms = nextCheckAt ? Date.parse(nextCheckAt) - (await env.currentTimeMs()) : 0;
              if (ms > 0) await env.sleep(ms + 1_000);
              return false;
            },
            'one more step',
            60_000,
          ),
        );
      }
      const res = await result(id);
      assert.ok(workers >= 14, `${workers} workers`);
      assert.deepEqual(counts(h.sandbox), {
        trustProducts: 1,
        endUsers: 1,
        entityAssignments: 2,
        trustProductNumbers: 1,
        profileNumbers: profileNumbersBefore + 1,
      });
      assert.equal(h.sandbox.state.trustProducts.get(res.trustProductSid)?.status, 'twilio-approved');
    } finally {
      await h.sandbox.close();
    }
  });

  test('refuses a Business Profile that is not approved, before touching the Trust Hub', async () => {
    const h = await harness();
    try {
      const draft = [...h.sandbox.state.customerProfiles.values()].find((p) => p.status !== 'twilio-approved')!;
      const worker = await h.newWorker();
      const err = await worker.runUntil(async () => failureOf(await h.start({ businessProfileSid: draft.sid })));
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'ProviderRefused');
      assert.match(failure?.message ?? '', /not twilio-approved/);
      assert.equal(h.sandbox.state.trustProducts.size, 0);
    } finally {
      await h.sandbox.close();
    }
  });

  test('puts several numbers on one Trust Product when asked', async () => {
    const h = await harness({ autoReview: true });
    try {
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => result(await h.start({ additionalPhoneNumbers: [h.spare] })));
      assert.equal(res.numbers.length, 2);
      assert.equal(h.sandbox.state.trustProducts.size, 1);
      assert.equal(h.sandbox.state.trustProductAssignments.size, 2);
    } finally {
      await h.sandbox.close();
    }
  });
});
