/**
 * Rename, remove, adopt and cancel-with-undo at Flowroute, on the time-skipping test server against
 * the Flowroute sandbox over HTTP. After every scenario the sandbox is read back: no record left over,
 * no number left without the name it should show.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startFlowrouteSandbox, type RunningFlowrouteSandbox } from '../../dev/sandbox/flowroute';
import { provisionWorkflowId } from '../../src/config/constants';
import type { LifecycleResult } from '../../src/core/lifecycle';
import { getStatus, type ProvisionStatus } from '../../src/core/workflow/messages';
import { FlowrouteClient } from '../../src/providers/flowroute/client';
import type { FlowrouteProvisionInput, FlowrouteRenameInput } from '../../src/providers/flowroute/contract';
import {
  adoptFlowrouteCnam,
  removeFlowrouteCnam,
  renameFlowrouteCnam,
} from '../../src/providers/flowroute/lifecycle-workflow';
import { provisionFlowrouteCnam } from '../../src/providers/flowroute/workflow';
import { type CnamWorker, createCnamWorker } from '../../src/worker';
import { rootApplicationFailure } from '../helpers/failures';
import { createTimeSkippingEnv, eventually, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const HOUR = 3_600_000;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let nextNumber = 300;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
});
after(async () => {
  await env?.teardown();
});

interface Harness {
  sandbox: RunningFlowrouteSandbox;
  /** Flowroute's id of the number under test (11 digits); `others` are more numbers on the account. */
  number: string;
  e164: string;
  others: string[];
  workflowId: string;
  /** The production client on the sandbox: what a person doing it by hand in Flowroute Manage would cause. */
  flowroute: FlowrouteClient;
  worker: CnamWorker;
  /** A record approved and assigned by hand, as if set up in Flowroute Manage. */
  handMade(value: string, numberIds: string[]): Promise<string>;
  snapshot(): ReturnType<RunningFlowrouteSandbox['snapshot']>;
}

async function harness(): Promise<Harness> {
  const number = `1425555${String(nextNumber++).padStart(4, '0')}`;
  const others = [`1425556${String(nextNumber).padStart(4, '0')}`, `1425557${String(nextNumber).padStart(4, '0')}`];
  const sandbox = await startFlowrouteSandbox({ numbers: [number, ...others], autoReview: false, approvalDelayMs: 0 });
  const flowroute = new FlowrouteClient({
    baseUrl: sandbox.url,
    accessKey: 'sandbox-access-key',
    secretKey: 'sandbox-secret-key',
    timeoutMs: 2_000,
  });
  const taskQueue = uniqueTaskQueue('flowroute-life');
  const worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { flowroute },
    workflowBundle: bundle,
  });
  return {
    sandbox,
    number,
    e164: `+${number}`,
    others,
    workflowId: provisionWorkflowId('flowroute', `+${number}`),
    flowroute,
    worker: Object.assign(worker, { taskQueue }),
    handMade: async (value, numberIds) => {
      const record = await flowroute.createCnam(value);
      sandbox.approve(record.id);
      for (const id of numberIds) await flowroute.assignCnam(id, record.id);
      return record.id;
    },
    snapshot: () => sandbox.snapshot(),
  };
}

type Flow = 'provision' | 'rename' | 'remove' | 'adopt';

/** Starts `flow` under the number's own workflow id; lifecycle runs resolve to a LifecycleResult. */
async function start(
  h: Harness,
  flow: Flow,
  input: Record<string, unknown> = {},
): Promise<{ result(): Promise<LifecycleResult> }> {
  const taskQueue = (h.worker as CnamWorker & { taskQueue: string }).taskQueue;
  const options = { taskQueue, workflowId: h.workflowId };
  switch (flow) {
    case 'provision':
      // Only ever cancelled here: its result is never read.
      return (await env.client.workflow.start(provisionFlowrouteCnam, {
        ...options,
        args: [{ number: h.e164, displayName: 'Bob Law', associationWait: '1h', ...input } as FlowrouteProvisionInput],
      })) as unknown as { result(): Promise<LifecycleResult> };
    case 'rename':
      return env.client.workflow.start(renameFlowrouteCnam, {
        ...options,
        args: [{ number: h.e164, displayName: 'New Name', associationWait: '1h', ...input } as FlowrouteRenameInput],
      });
    case 'remove':
      return env.client.workflow.start(removeFlowrouteCnam, { ...options, args: [{ number: h.e164 }] });
    case 'adopt':
      return env.client.workflow.start(adoptFlowrouteCnam, { ...options, args: [{ number: h.e164 }] });
  }
}

async function statusOf(h: Harness): Promise<ProvisionStatus> {
  return env.client.workflow.getHandle(h.workflowId).query(getStatus);
}

async function atStep(h: Harness, step: ProvisionStatus['step']): Promise<void> {
  await eventually(async () => (await statusOf(h)).step === step, `step ${step}`);
}

/** Cancels the run and waits for it to end; returns its status (with the undo outcomes). */
async function cancelAndWait(h: Harness): Promise<ProvisionStatus> {
  const handle = env.client.workflow.getHandle(h.workflowId);
  await handle.cancel();
  const err = await handle.result().then(
    () => assert.fail('a cancelled run must not complete'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, `cancelled: ${String(err)}`);
  assert.equal((await handle.describe()).status.name, 'CANCELLED');
  return statusOf(h);
}

async function failureOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => assert.fail('expected the run to fail'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof WorkflowFailedError, String(err));
  return rootApplicationFailure(err);
}

function recordIds(h: Harness): string[] {
  return h.snapshot().records.map((r) => r.id);
}

describe('Flowroute: adopt, rename, remove', () => {
  test('adopt records a name set up by hand without creating anything; a rename then keeps the old name showing until the new record is approved, and deletes the old one', async () => {
    const h = await harness();
    try {
      const oldId = await h.handMade('Old Name', [h.number]);
      const writesBefore = h.snapshot().writeCounts;
      await h.worker.runUntil(async () => {
        const adopted: LifecycleResult = await (await start(h, 'adopt')).result();
        assert.equal(adopted.displayName, 'OLD NAME');
        assert.deepEqual(adopted.resources, { cnamRecordId: oldId });
        assert.deepEqual(h.snapshot().writeCounts, writesBefore, 'adopt writes nothing');

        const handle = await start(h, 'rename', { displayName: 'New Name' });
        await atStep(h, 'awaiting-approval');
        await env.sleep(40 * HOUR);
        const pending = h.snapshot();
        const newRecord = pending.records.find((r) => r.value === 'NEW NAME');
        assert.ok(newRecord, 'a record for the new name');
        assert.equal(pending.assignments[h.number], oldId, 'the old name shows all through the review');
        h.sandbox.approve(newRecord.id);
        const renamed = await handle.result();
        assert.equal(renamed.displayName, 'NEW NAME');
        assert.equal(renamed.previousDisplayName, 'OLD NAME');
        assert.deepEqual(renamed.deleted, [`CNAM record ${oldId} ("OLD NAME")`]);
        const after = h.snapshot();
        assert.equal(after.assignments[h.number], newRecord.id);
        assert.deepEqual(recordIds(h), [newRecord.id], 'the old record is deleted, nothing else is left');
        assert.ok(Date.parse(renamed.completedAt) >= Date.parse(renamed.effectiveBy ?? ''), 'after the association');
      });
    } finally {
      await h.sandbox.close();
    }
  });

  test('a rename keeps the old record while another number still uses it, and reuses a record the new name already has', async () => {
    const h = await harness();
    try {
      const oldId = await h.handMade('Shared Old', [h.number, h.others[0]!]);
      const newId = await h.handMade('Already There', [h.others[1]!]);
      await h.worker.runUntil(async () => {
        const renamed = await (await start(h, 'rename', { displayName: 'Already There' })).result();
        assert.equal(renamed.resources.cnamRecordId, newId, 'the existing record is reused');
        assert.deepEqual(renamed.deleted, []);
        assert.match(renamed.kept.join(' '), new RegExp(`record ${oldId}.*still on \\+${h.others[0]}`));
      });
      const s = h.snapshot();
      assert.equal(s.assignments[h.number], newId);
      assert.equal(s.assignments[h.others[0]!], oldId, 'the other number keeps its name');
      assert.equal(s.writeCounts['POST /v2/cnams'], 2, 'no record created by the rename');
    } finally {
      await h.sandbox.close();
    }
  });

  test('a rejected rename fails with the reason, leaves the old name on the number and deletes the record it created', async () => {
    const h = await harness();
    try {
      const oldId = await h.handMade('Old Name', [h.number]);
      await h.worker.runUntil(async () => {
        const handle = await start(h, 'rename', { displayName: 'Rude Name' });
        await atStep(h, 'awaiting-approval');
        const created = h.snapshot().records.find((r) => r.value === 'RUDE NAME');
        assert.ok(created);
        h.sandbox.reject(created.id, 'Inappropriate content');
        const failure = await failureOf(handle.result());
        assert.equal(failure?.type, 'CnamRejected');
        assert.match(failure?.message ?? '', /Inappropriate content/);
        const status = await statusOf(h);
        assert.equal(status.step, 'failed');
        assert.deepEqual(
          status.undo?.map((o) => o.outcome),
          ['undone'],
        );
      });
      assert.deepEqual(recordIds(h), [oldId], 'the rejected record is gone');
      assert.equal(h.snapshot().assignments[h.number], oldId, 'the old name still shows');
    } finally {
      await h.sandbox.close();
    }
  });

  test('remove takes the name off the number and deletes the record no number uses; removing again changes nothing', async () => {
    const h = await harness();
    try {
      const soleId = await h.handMade('Gone Soon', [h.number]);
      await h.worker.runUntil(async () => {
        const removed = await (await start(h, 'remove')).result();
        assert.equal(removed.displayName, null);
        assert.equal(removed.previousDisplayName, 'GONE SOON');
        assert.deepEqual(removed.deleted, [`CNAM record ${soleId} ("GONE SOON")`]);
        assert.equal(h.snapshot().assignments[h.number], undefined);
        assert.deepEqual(recordIds(h), []);
        assert.equal(h.snapshot().writeCounts['DELETE /v2/numbers/:number/relationships/cnams'], 1);

        const again = await (await start(h, 'remove')).result();
        assert.equal(again.previousDisplayName, null);
        assert.match(again.kept.join(' '), /showed no CNAM/);
      });
    } finally {
      await h.sandbox.close();
    }
  });

  test('adopt fails, creating nothing, when the number shows no name', async () => {
    const h = await harness();
    try {
      await h.worker.runUntil(async () => {
        const failure = await failureOf((await start(h, 'adopt')).result());
        assert.match(failure?.message ?? '', /shows no CNAM at Flowroute: nothing to adopt/);
      });
      assert.deepEqual(h.snapshot().writeCounts, {});
    } finally {
      await h.sandbox.close();
    }
  });
});

describe('Flowroute: cancel means undo', () => {
  test('a provisioning cancelled in review deletes the record it created and touches nothing else', async () => {
    const h = await harness();
    try {
      const othersId = await h.handMade('Someone Else', [h.others[0]!]);
      await h.worker.runUntil(async () => {
        await start(h, 'provision', { displayName: 'Bob Law' });
        await atStep(h, 'awaiting-approval');
        const status = await cancelAndWait(h);
        assert.equal(status.step, 'cancelled');
        assert.deepEqual(
          status.undo?.map((o) => [o.outcome, o.step]),
          [['undone', 'delete the CNAM record "Bob Law" unless a number uses it']],
        );
      });
      assert.deepEqual(recordIds(h), [othersId]);
      assert.equal(h.snapshot().assignments[h.others[0]!], othersId);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a provisioning cancelled before it created anything ends cancelled, saying nothing needed undoing', async () => {
    const h = await harness();
    try {
      // Flowroute answers 503 to the number check: the run retries there until the cancel.
      h.sandbox.injectFault({ method: 'GET', path: '/v2/numbers/', kind: 'status', status: 503, count: 1000 });
      await h.worker.runUntil(async () => {
        await start(h, 'provision', { displayName: 'Bob Law' });
        await eventually(async () => (h.snapshot().requestCounts['GET /v2/numbers/:number'] ?? 0) >= 2, 'retries');
        const status = await cancelAndWait(h);
        assert.deepEqual(
          status.undo?.map((o) => o.outcome),
          ['nothing'],
        );
      });
      h.sandbox.clearFaults();
      assert.deepEqual(recordIds(h), []);
      assert.equal(h.snapshot().writeCounts['POST /v2/cnams'], undefined);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a rename cancelled in review deletes the record it created; the old name never left the number', async () => {
    const h = await harness();
    try {
      const oldId = await h.handMade('Old Name', [h.number]);
      await h.worker.runUntil(async () => {
        await start(h, 'rename', { displayName: 'Never Mind' });
        await atStep(h, 'awaiting-approval');
        const status = await cancelAndWait(h);
        assert.deepEqual(
          status.undo?.map((o) => [o.outcome, o.step]),
          [['undone', 'delete the CNAM record "Never Mind" unless a number uses it']],
        );
      });
      assert.deepEqual(recordIds(h), [oldId]);
      assert.equal(h.snapshot().assignments[h.number], oldId);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a provisioning cancelled after the assignment puts back the name the number had and deletes its record', async () => {
    const h = await harness();
    try {
      const previousId = await h.handMade('Before', [h.number]);
      await h.worker.runUntil(async () => {
        await start(h, 'provision', { displayName: 'Bob Law', associationWait: '3d' });
        await atStep(h, 'awaiting-approval');
        const created = h.snapshot().records.find((r) => r.value === 'BOB LAW')!;
        h.sandbox.approve(created.id);
        await env.sleep(HOUR);
        await atStep(h, 'awaiting-propagation');
        assert.equal(h.snapshot().assignments[h.number], created.id);
        const status = await cancelAndWait(h);
        assert.deepEqual(
          status.undo?.map((o) => o.outcome),
          ['undone', 'undone'],
        );
      });
      assert.equal(h.snapshot().assignments[h.number], previousId, 'the earlier name is back');
      assert.deepEqual(recordIds(h), [previousId]);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a provisioning that reused a shared record, cancelled after assigning, takes it off this number only and keeps the record', async () => {
    const h = await harness();
    try {
      const sharedId = await h.handMade('Bob Law', [h.others[0]!]);
      await h.worker.runUntil(async () => {
        await start(h, 'provision', { displayName: 'Bob Law', associationWait: '3d' });
        await atStep(h, 'awaiting-propagation');
        const status = await cancelAndWait(h);
        assert.deepEqual(
          status.undo?.map((o) => o.outcome),
          ['undone'],
          'only the assignment was this run’s',
        );
      });
      const s = h.snapshot();
      assert.equal(s.assignments[h.number], undefined);
      assert.equal(s.assignments[h.others[0]!], sharedId);
      assert.deepEqual(recordIds(h), [sharedId]);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a rename cancelled during the association wait puts the old name back and deletes the new record', async () => {
    const h = await harness();
    try {
      const oldId = await h.handMade('Old Name', [h.number]);
      await h.worker.runUntil(async () => {
        await start(h, 'rename', { displayName: 'New Name', associationWait: '5d' });
        await atStep(h, 'awaiting-approval');
        h.sandbox.approve(h.snapshot().records.find((r) => r.value === 'NEW NAME')!.id);
        await env.sleep(HOUR);
        await atStep(h, 'awaiting-propagation');
        const status = await cancelAndWait(h);
        assert.deepEqual(
          status.undo?.map((o) => o.outcome),
          ['undone', 'undone'],
        );
      });
      assert.equal(h.snapshot().assignments[h.number], oldId);
      assert.deepEqual(recordIds(h), [oldId]);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a removal cancelled while Flowroute is still taking the name off puts it back', async () => {
    const h = await harness();
    try {
      const oldId = await h.handMade('Keep Me', [h.number]);
      // The unassign lands 1.5 s after it is sent: the cancel arrives while it is in flight.
      h.sandbox.injectFault({ method: 'DELETE', path: '/v2/numbers/', kind: 'slow-write', delayMs: 1_500 });
      await h.worker.runUntil(async () => {
        await start(h, 'remove');
        await atStep(h, 'unassigning');
        const status = await cancelAndWait(h);
        assert.deepEqual(
          status.undo?.map((o) => [o.outcome, o.step]),
          [['undone', `put record ${oldId} ("KEEP ME") back on ${h.e164}`]],
        );
      });
      assert.equal(
        h.snapshot().writeCounts['DELETE /v2/numbers/:number/relationships/cnams'],
        1,
        'the unassign did land',
      );
      assert.equal(h.snapshot().assignments[h.number], oldId, 'and the name is back');
      assert.deepEqual(recordIds(h), [oldId]);
    } finally {
      await h.sandbox.close();
    }
  });
});
