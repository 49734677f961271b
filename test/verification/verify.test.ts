/**
 * The `verifying` step: CNAM dips through Twilio Lookup, answered by the Twilio sandbox from the
 * network's CNAM database (both sandboxes' registered names), on the time-skipping test server. What
 * a user sees: whether the name shows, since when, how many (billed) dips it took, and that a name
 * that never shows completes with a warning instead of failing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type RunningSandboxes, startSandboxes } from '../../dev/sandbox/start';
import { provisionWorkflowId } from '../../src/config/constants';
import type { Verification } from '../../src/core/verification';
import { getStatus } from '../../src/core/workflow/messages';
import { CnamShowing } from '../../src/core/workflow/search-attributes';
import { FlowrouteClient } from '../../src/providers/flowroute/client';
import type { FlowrouteProvisionInput, FlowrouteProvisionResult } from '../../src/providers/flowroute/contract';
import { provisionFlowrouteCnam } from '../../src/providers/flowroute/workflow';
import { createTwilioClient } from '../../src/providers/twilio/client';
import { type CnamWorker, createCnamWorker } from '../../src/worker';
import { createTimeSkippingEnv, eventually, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Far beyond the sandbox's wall clock during a test: the network keeps answering the rate centre. */
const NEVER = 10 * 365 * DAY;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sandboxes: RunningSandboxes;
let nextNumber = 100;

before(async () => {
  const numbers = Array.from({ length: 20 }, (_, i) => `1425558${String(100 + i).padStart(4, '0')}`);
  [env, bundle, sandboxes] = await Promise.all([
    createTimeSkippingEnv(),
    workflowBundle(),
    startSandboxes({ flowrouteApprovalDelayMs: 0, flowrouteNumbers: numbers }),
  ]);
});
after(async () => {
  await sandboxes?.close();
  await env?.teardown();
});

function clients(withLookup: boolean) {
  const flowroute = new FlowrouteClient({
    baseUrl: sandboxes.flowroute.url,
    accessKey: 'sandbox-access-key',
    secretKey: 'sandbox-secret-key',
    timeoutMs: 2_000,
  });
  const twilio = createTwilioClient({
    accountSid: sandboxes.workerEnv.TWILIO_ACCOUNT_SID!,
    authToken: sandboxes.workerEnv.TWILIO_AUTH_TOKEN!,
    baseUrl: sandboxes.twilio.url,
    timeoutMs: 2_000,
  });
  return withLookup ? { flowroute, twilio } : { flowroute };
}

async function worker(withLookup = true): Promise<CnamWorker & { taskQueue: string }> {
  const taskQueue = uniqueTaskQueue('verify');
  const w = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: clients(withLookup),
    workflowBundle: bundle,
  });
  return Object.assign(w, { taskQueue });
}

/** What the Twilio sandbox answers for `e164`'s dips (its admin surface). */
async function lookupAnswers(e164: string, settings: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandboxes.twilio.url}/__sandbox/lookup/numbers/${encodeURIComponent(e164)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  assert.equal(res.status, 200, await res.text());
}

/** Dips the sandbox answered for `e164`: what Twilio would bill. */
async function billedDips(e164: string): Promise<number> {
  const res = await fetch(`${sandboxes.twilio.url}/__sandbox/lookup`);
  const body = (await res.json()) as { dips: Record<string, number> };
  return body.dips[e164] ?? 0;
}

function freshNumber(): { numberId: string; e164: string } {
  const numberId = `1425558${String(nextNumber++).padStart(4, '0')}`;
  return { numberId, e164: `+${numberId}` };
}

function input(e164: string, more: Partial<FlowrouteProvisionInput> = {}): FlowrouteProvisionInput {
  return {
    number: e164,
    displayName: 'Acme Verified',
    approvalPollInitial: '1m',
    associationWait: '1h',
    ...more,
  };
}

async function provision(
  w: CnamWorker & { taskQueue: string },
  e164: string,
  more: Partial<FlowrouteProvisionInput> = {},
) {
  return env.client.workflow.start(provisionFlowrouteCnam, {
    taskQueue: w.taskQueue,
    workflowId: `${provisionWorkflowId('flowroute', e164)}-${nextNumber}`,
    args: [input(e164, more)],
  });
}

/** Advances time in small steps until the run has made `dips` dips (time only moves when a test asks). */
async function untilDips(handle: Awaited<ReturnType<typeof provision>>, dips: number): Promise<Verification> {
  for (let i = 0; i < 500; i++) {
    const status = await handle.query(getStatus);
    if ((status.verification?.dips ?? 0) >= dips) return status.verification!;
    await env.sleep(10 * 60_000);
  }
  throw new Error(`never reached ${dips} dips`);
}

describe('verifying a Flowroute name by CNAM dips', () => {
  test('the carrier default first, our name after propagation: showing since the dip that saw it', async () => {
    const { e164 } = freshNumber();
    await lookupAnswers(e164, { propagationMs: NEVER, rateCenter: 'PALM DESERT CA' });
    const w = await worker();
    const result = await w.runUntil(async () => {
      const handle = await provision(w, e164);
      const first = await untilDips(handle, 1);
      assert.equal(first.outcome, 'checking');
      assert.equal(first.numbers[0]?.lastDip?.classification, 'default');
      assert.equal(first.numbers[0]?.lastDip?.callerName, 'PALM DESERT CA');
      assert.match(first.summary, /not showing yet \(the network shows the carrier's default "PALM DESERT CA"\)/);
      assert.ok(first.nextDipAt, 'the next dip is scheduled');
      // The name reaches the network before the next dip (6 h later).
      await lookupAnswers(e164, { propagationMs: 0 });
      return handle.result();
    });
    const v = result.verification!;
    assert.equal(v.outcome, 'showing');
    assert.equal(v.dips, 2);
    assert.equal(await billedDips(e164), 2);
    const n = v.numbers[0]!;
    assert.equal(n.lastDip?.classification, 'match');
    assert.equal(n.lastDip?.callerName, 'ACME VERIFIED');
    assert.equal(n.summary, `registered and showing since ${n.showingSince}`);
    assert.ok(
      Date.parse(n.showingSince!) - Date.parse(result.effectiveBy) >= 6 * HOUR,
      'seen at the second dip, 6 h on',
    );
  });

  test('never showing within the bound: completed with a warning, the dips bounded and counted', async () => {
    const { e164 } = freshNumber();
    await lookupAnswers(e164, { propagationMs: NEVER });
    const w = await worker();
    const handle = await w.runUntil(async () => {
      const h = await provision(w, e164, { verifyFor: '3d' });
      await h.result();
      return h;
    });
    const result: FlowrouteProvisionResult = await handle.result();
    const v = result.verification!;
    assert.equal(v.outcome, 'not-showing');
    // At once, after 6 h, 24 h, 48 h and 72 h: five dips, and Twilio billed exactly those.
    assert.equal(v.dips, 5);
    assert.equal(await billedDips(e164), 5);
    assert.match(v.summary, /^registered, not yet showing after 3 days \(the network shows the carrier's default "/);
    const described = await handle.describe();
    assert.equal(described.status.name, 'COMPLETED');
    assert.deepEqual(described.typedSearchAttributes.get(CnamShowing), 'not-showing');
  });

  test("someone else's name, and no data, are not success", async () => {
    const other = freshNumber().e164;
    const none = freshNumber().e164;
    await lookupAnswers(other, { answer: 'name', callerName: 'PIZZA PALACE', callerType: 'BUSINESS' });
    await lookupAnswers(none, { answer: 'no-data' });
    const w = await worker();
    // One run at a time: the time-skipping server expires a second run's tasks when it skips for the first.
    const [a, b] = await w.runUntil(async () => [
      await (await provision(w, other, { verifyFor: '1d' })).result(),
      await (await provision(w, none, { verifyFor: '1d' })).result(),
    ]);
    assert.equal(a.verification?.outcome, 'not-showing');
    assert.equal(a.verification?.numbers[0]?.lastDip?.classification, 'other');
    assert.match(a.verification!.summary, /someone else's name "PIZZA PALACE"/);
    assert.equal(a.verification?.dips, 3, 'at once, after 6 h and after 24 h');
    assert.equal(b.verification?.numbers[0]?.lastDip?.classification, 'no-data');
    assert.match(b.verification!.summary, /the network has no name for the number/);
  });

  test('a Lookup error code is dipped again; one that cannot change stops the dips', async () => {
    const flaky = freshNumber().e164;
    const notEnabled = freshNumber().e164;
    await lookupAnswers(flaky, { errorCode: 60608, errorCount: 1 });
    await lookupAnswers(notEnabled, { errorCode: 60606 });
    const w = await worker();
    const [a, b] = await w.runUntil(async () => [
      await (await provision(w, flaky)).result(),
      await (await provision(w, notEnabled)).result(),
    ]);
    assert.equal(a.verification?.outcome, 'showing');
    assert.equal(a.verification?.dips, 2, 'the error, then the name 15 minutes later');
    assert.equal(b.verification?.outcome, 'unverifiable');
    assert.equal(b.verification?.dips, 1);
    assert.match(b.verification!.summary, /cannot verify: the Lookup Caller Name package is not enabled .*60606/);
  });

  test('without Lookup credentials, or with verifyFor 0, nothing is dipped and the result says why', async () => {
    const noCredentials = freshNumber().e164;
    const turnedOff = freshNumber().e164;
    const bare = await worker(false);
    const a = await bare.runUntil(async () => (await provision(bare, noCredentials)).result());
    const w = await worker();
    const b = await w.runUntil(async () => (await provision(w, turnedOff, { verifyFor: 0 })).result());
    assert.equal(a.verification?.outcome, 'skipped');
    assert.match(a.verification!.summary, /not verified: no Twilio Lookup credentials/);
    assert.equal(b.verification?.outcome, 'skipped');
    assert.match(b.verification!.summary, /verifyFor 0/);
    assert.equal((await billedDips(noCredentials)) + (await billedDips(turnedOff)), 0);
  });
});

test('status shows the verification while dipping', async () => {
  const { e164 } = freshNumber();
  await lookupAnswers(e164, { propagationMs: NEVER });
  const w = await worker();
  await w.runUntil(async () => {
    const handle = await provision(w, e164, { verifyFor: '1d' });
    await untilDips(handle, 1);
    const status = await handle.query(getStatus);
    assert.equal(status.step, 'verifying');
    assert.equal(status.verification?.outcome, 'checking');
    assert.equal(status.nextCheckAt, status.verification?.nextDipAt);
    await eventually(
      async () => (await handle.describe()).typedSearchAttributes.get(CnamShowing) === 'checking',
      'CnamShowing=checking',
    );
    await handle.terminate('test done');
  });
});
