/**
 * The Twilio flow's end: Caller Name Lookup (on by default, skippable, reported when Twilio refuses it
 * with 21409) and the CNAM dips after the propagation wait, on the time-skipping server against the
 * Twilio sandbox, whose Lookup answers the approved Trust Product's name.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type RunningSandboxes, startSandboxes } from '../../dev/sandbox/start';
import { DEFAULT_BUSINESS_PROFILE_SID } from '../../dev/sandbox/twilio/options';
import type { TwilioProvisionInput } from '../../src/providers/twilio/contract';
import { provisionTwilioCnam } from '../../src/providers/twilio/workflow';
import { createTwilioClient } from '../../src/providers/twilio/client';
import { type CnamWorker, createCnamWorker } from '../../src/worker';
import { createTimeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sandboxes: RunningSandboxes;

before(async () => {
  [env, bundle, sandboxes] = await Promise.all([
    createTimeSkippingEnv(),
    workflowBundle(),
    startSandboxes({ twilioDecisionDelayMs: 0 }),
  ]);
});
after(async () => {
  await sandboxes?.close();
  await env?.teardown();
});

async function worker(): Promise<CnamWorker & { taskQueue: string }> {
  const taskQueue = uniqueTaskQueue('verify-twilio');
  const w = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: {
      twilio: createTwilioClient({
        accountSid: sandboxes.workerEnv.TWILIO_ACCOUNT_SID!,
        authToken: sandboxes.workerEnv.TWILIO_AUTH_TOKEN!,
        baseUrl: sandboxes.twilio.url,
        timeoutMs: 2_000,
      }),
    },
    workflowBundle: bundle,
  });
  return Object.assign(w, { taskQueue });
}

function input(
  phoneNumber: string,
  displayName: string,
  more: Partial<TwilioProvisionInput> = {},
): TwilioProvisionInput {
  return {
    phoneNumber,
    displayName,
    businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
    notificationEmail: 'ops@example.com',
    reviewPollInitial: '1m',
    reviewPollMax: '10m',
    ...more,
  };
}

async function run(w: CnamWorker & { taskQueue: string }, i: TwilioProvisionInput) {
  const handle = await env.client.workflow.start(provisionTwilioCnam, {
    taskQueue: w.taskQueue,
    workflowId: `verify-twilio-${i.phoneNumber}-${Date.now()}`,
    args: [i],
  });
  const result = await handle.result();
  const steps = (await handle.query('getStatus')) as { stepsDone: { step: string }[] };
  return { result, steps: steps.stepsDone.map((s) => s.step) };
}

test('approved, propagated and seen on the network: Caller Name Lookup on, as the guide does', async () => {
  const w = await worker();
  const { result, steps } = await w.runUntil(() => run(w, input('+12065550100', 'Acme Plumbing')));
  assert.deepEqual(steps.slice(-4), ['enabling-lookup', 'awaiting-propagation', 'verifying', 'completed']);
  assert.equal(result.numbers[0]?.callerNameLookup, 'enabled');
  assert.ok(result.callerNameLookupEnabledAt);
  assert.equal(result.verification?.outcome, 'showing');
  assert.equal(result.verification?.numbers[0]?.lastDip?.callerName, 'ACME PLUMBING');
  assert.equal(result.verification?.dips, 1);
});

test('Caller Name Lookup skipped when asked: the step is not run and the number keeps it off', async () => {
  const w = await worker();
  const { result, steps } = await w.runUntil(() =>
    run(w, input('+12065550101', 'Acme Heating', { callerNameLookup: false })),
  );
  assert.ok(!steps.includes('enabling-lookup'), `steps: ${steps.join(', ')}`);
  assert.equal(result.numbers[0]?.callerNameLookup, 'skipped');
  assert.equal(result.callerNameLookupEnabledAt, null);
  const pn = sandboxes.twilio.state.phoneNumbers.get(result.numbers[0]!.phoneNumberSid);
  assert.equal(pn?.voiceCallerIdLookup, false);
  assert.equal(result.verification?.outcome, 'showing', 'the outbound name does not depend on it');
});

test('a number Twilio refuses Caller Name Lookup for (21409) is reported, and the run completes', async () => {
  const res = await fetch(`${sandboxes.twilio.url}/__sandbox/numbers/${encodeURIComponent('+12065550102')}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ voiceCallerIdLookupSupported: false }),
  });
  assert.equal(res.status, 200);
  const w = await worker();
  const { result } = await w.runUntil(() => run(w, input('+12065550102', 'Acme Roofing')));
  assert.equal(result.numbers[0]?.callerNameLookup, 'unsupported');
  assert.equal(result.callerNameLookupEnabledAt, null);
  assert.equal(result.verification?.outcome, 'showing');
});
