/**
 * What a webhook receiver gets from real provisionings (time-skipping server, the sandboxes over HTTP):
 * every event signed and verified by the receiver, on completion with the dips' verification, on
 * a rejection with the provider's reason, on a failure; nothing when no webhook is configured.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type RunningSandboxes, startSandboxes } from '../../dev/sandbox/start';
import { verifyNotification } from '../../src/client';
import type { NotificationEvent } from '../../src/notify/events';
import { getStatus } from '../../src/core/workflow/messages';
import { FlowrouteClient } from '../../src/providers/flowroute/client';
import { provisionFlowrouteCnam } from '../../src/providers/flowroute/workflow';
import { createTwilioClient } from '../../src/providers/twilio/client';
import { type CnamWorker, createCnamWorker } from '../../src/worker';
import { createTimeSkippingEnv, eventually, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const SECRET = 'receiver-shared-secret-0123456789';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sandboxes: RunningSandboxes;
let receiver: Server;
let receiverUrl: string;
const received: NotificationEvent[] = [];
const refused: string[] = [];

before(async () => {
  [env, bundle, sandboxes] = await Promise.all([
    createTimeSkippingEnv(),
    workflowBundle(),
    startSandboxes({ autoReview: false, flowrouteNumbers: ['14255590100', '14255590101', '14255590102'] }),
  ]);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        received.push(
          verifyNotification({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, secret: SECRET }),
        );
        res.writeHead(204).end();
      } catch (err) {
        refused.push(String(err));
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cnam`;
});
after(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await sandboxes?.close();
  await env?.teardown();
});

/** A worker whose environment names the receiver (or none), as `cnam worker` reads it. */
async function worker(withWebhook: boolean): Promise<CnamWorker & { taskQueue: string }> {
  const saved = { url: process.env.CNAM_NOTIFY_URL, secret: process.env.CNAM_NOTIFY_SECRET };
  if (withWebhook) {
    process.env.CNAM_NOTIFY_URL = receiverUrl;
    process.env.CNAM_NOTIFY_SECRET = SECRET;
  }
  const taskQueue = uniqueTaskQueue('notify');
  try {
    const w = await createCnamWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: {
        flowroute: new FlowrouteClient({
          baseUrl: sandboxes.flowroute.url,
          accessKey: 'sandbox-access-key',
          secretKey: 'sandbox-secret-key',
          timeoutMs: 2_000,
        }),
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
  } finally {
    for (const [key, value] of [
      ['CNAM_NOTIFY_URL', saved.url],
      ['CNAM_NOTIFY_SECRET', saved.secret],
    ] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

/** Starts a provisioning and approves (or rejects) its record by hand once the run has created it. */
async function provisionDecided(
  w: CnamWorker & { taskQueue: string },
  number: string,
  displayName: string,
  decide: (recordId: string) => void,
) {
  const handle = await env.client.workflow.start(provisionFlowrouteCnam, {
    taskQueue: w.taskQueue,
    workflowId: `notify-${number}-${Date.now()}`,
    args: [{ number, displayName, approvalPollInitial: '1m', associationWait: '1h', verifyFor: '1d' }],
  });
  const recordId = await eventually(async () => (await handle.query(getStatus)).recordId, 'the record');
  decide(recordId);
  return handle;
}

test('a completed provisioning sends its verification and its completion, signed', async () => {
  const w = await worker(true);
  const handle = await w.runUntil(async () => {
    const h = await provisionDecided(w, '+14255590100', 'Harbor Dental', (id) => sandboxes.flowroute.approve(id));
    await h.result();
    return h;
  });
  const ours = received.filter((e) => e.workflowId === handle.workflowId);
  assert.deepEqual(
    ours.map((e) => e.type),
    ['cnam.verification', 'cnam.completed'],
  );
  const [verification, completed] = ours as [NotificationEvent, NotificationEvent];
  assert.equal(completed.number, '+14255590100');
  assert.equal(completed.displayName, 'Harbor Dental');
  assert.equal(completed.provider, 'flowroute');
  assert.equal((completed.data.result as { cnamRecordId: string }).cnamRecordId.length > 0, true);
  assert.equal((verification.data.verification as { outcome: string }).outcome, 'showing');
  assert.equal(completed.id, `${handle.workflowId}/${completed.runId}/cnam.completed/1`);
  assert.deepEqual(refused, []);
});

test('a rejection is sent with the provider reason; a failure as a failure', async () => {
  const w = await worker(true);
  const [rejected, failed] = await w.runUntil(async () => {
    const h = await provisionDecided(w, '+14255590101', 'Harbor Clinic', (id) =>
      sandboxes.flowroute.reject(id, 'Misleading: resembles a government agency'),
    );
    await assert.rejects(h.result());
    // Not on the account: refused before anything is created.
    const f = await env.client.workflow.start(provisionFlowrouteCnam, {
      taskQueue: w.taskQueue,
      workflowId: `notify-missing-${Date.now()}`,
      args: [{ number: '+14255590199', displayName: 'Harbor Dental' }],
    });
    await assert.rejects(f.result());
    return [h, f];
  });
  const r = received.find((e) => e.workflowId === rejected.workflowId);
  assert.equal(r?.type, 'cnam.rejected');
  assert.match(String(r?.data.failure), /Misleading: resembles a government agency/);
  const f = received.find((e) => e.workflowId === failed.workflowId);
  assert.equal(f?.type, 'cnam.failed');
  assert.match(String(f?.data.failure), /not on/i);
  assert.deepEqual(refused, []);
});

test('without a webhook configured nothing is sent and the run completes', async () => {
  const before = received.length;
  const w = await worker(false);
  await w.runUntil(async () => {
    const h = await provisionDecided(w, '+14255590102', 'Harbor Optics', (id) => sandboxes.flowroute.approve(id));
    await h.result();
  });
  assert.equal(received.length, before);
});
