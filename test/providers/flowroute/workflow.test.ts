/**
 * provisionFlowrouteCnam on the time-skipping test server, against the real Flowroute
 * sandbox over HTTP through the production client: days of waiting, crashes, faults.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { type CnamWorker, createCnamWorker } from '../../../src/worker';
import { FlowrouteClient } from '../../../src/providers/flowroute/client';
import { startProvision } from '../../../src/app/start';
import { startFlowrouteSandbox, type RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import { checkNow, getStatus } from '../../../src/core/workflow/messages';
import type { FlowrouteProvisionInput, FlowrouteProvisionResult } from '../../../src/providers/flowroute/contract';
import { rootApplicationFailure } from '../../helpers/failures';
import { createTimeSkippingEnv, eventually, uniqueTaskQueue, workflowBundle } from '../../helpers/temporal';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let nextNumber = 110;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
});
after(async () => {
  await env?.teardown();
});

interface Harness {
  sandbox: RunningFlowrouteSandbox;
  number: string;
  taskQueue: string;
  /** `replayOnly`: no workflow cache, so every task replays history as after a crash (and no sticky queue outlives the worker). */
  newWorker(options?: { replayOnly?: boolean }): Promise<CnamWorker>;
  start(input: Partial<FlowrouteProvisionInput>): Promise<string>;
}

/** A fresh sandbox with one unique number on the account, and a worker factory bound to it. */
async function harness(
  options: { autoReview?: boolean; approvalDelayMs?: number; numberOnAccount?: boolean; moreNumbers?: string[] } = {},
): Promise<Harness> {
  const number = `1206555${String(nextNumber++).padStart(4, '0')}`;
  const sandbox = await startFlowrouteSandbox({
    numbers: options.numberOnAccount === false ? ['13125550100'] : [number, ...(options.moreNumbers ?? [])],
    autoReview: options.autoReview ?? false,
    approvalDelayMs: options.approvalDelayMs ?? 0,
  });
  const taskQueue = uniqueTaskQueue('flowroute');
  const flowroute = new FlowrouteClient({
    baseUrl: sandbox.url,
    accessKey: 'sandbox-access-key',
    secretKey: 'sandbox-secret-key',
    timeoutMs: 2_000,
  });
  return {
    sandbox,
    number,
    taskQueue,
    newWorker: async (workerOptions) =>
      createCnamWorker({
        connection: env.nativeConnection,
        namespace: 'default',
        taskQueue,
        deps: { flowroute },
        workflowBundle: bundle,
        ...(workerOptions?.replayOnly && { maxCachedWorkflows: 0 }),
      }),
    start: async (input) => {
      const started = await startProvision(env.client, taskQueue, {
        provider: 'flowroute',
        number: `+${number}`,
        displayName: 'Bob Law',
        ...input,
      });
      return started.workflowId;
    },
  };
}

function result(workflowId: string): Promise<FlowrouteProvisionResult> {
  return env.client.workflow.getHandle(workflowId).result();
}

async function status(workflowId: string) {
  return env.client.workflow.getHandle(workflowId).query(getStatus);
}

/** The next Monday 14:00 UTC three days before US Thanksgiving (4th Thursday of November), after `nowMs`. */
function mondayBeforeThanksgiving(nowMs: number): number {
  for (let year = new Date(nowMs).getUTCFullYear(); ; year++) {
    const firstOfNov = new Date(Date.UTC(year, 10, 1)).getUTCDay();
    const thanksgiving = 1 + ((4 - firstOfNov + 7) % 7) + 21;
    const monday = Date.UTC(year, 10, thanksgiving - 3, 14);
    if (monday > nowMs + HOUR) return monday;
  }
}

describe('provisionFlowrouteCnam', () => {
  test('waits out a 48-hour approval and 7 business days that skip Thanksgiving, then confirms', async () => {
    const h = await harness();
    try {
      await env.sleep(mondayBeforeThanksgiving(await env.currentTimeMs()) - (await env.currentTimeMs()));
      const startedAt = await env.currentTimeMs();
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => {
        const id = await h.start({});
        const record = await eventually(async () => h.sandbox.snapshot().records[0], 'the CNAM record');
        assert.equal(record.value, 'BOB LAW');
        await env.sleep(47 * HOUR);
        assert.equal((await status(id)).step, 'awaiting-approval');
        h.sandbox.approve(record.id);
        return result(id);
      });

      const approvedAt = Date.parse(res.approvedAt);
      assert.ok(
        approvedAt - startedAt >= 47 * HOUR && approvedAt - startedAt <= 49 * HOUR,
        `approved ${(approvedAt - startedAt) / HOUR} h after start`,
      );
      assert.equal(new Date(res.assignedAt).getUTCDay(), 3, 'assigned on the Wednesday before Thanksgiving');
      // Wed + 7 business days is Fri of the next week (+9 days); skipping Thanksgiving makes it Monday (+12 days).
      assert.equal(Date.parse(res.effectiveBy) - Date.parse(res.assignedAt), 12 * DAY);
      assert.equal(new Date(res.effectiveBy).getUTCDay(), 1);
      assert.ok(
        Date.parse(res.confirmedAt) >= Date.parse(res.effectiveBy),
        'confirmed only after the association wait',
      );
      assert.equal(res.reusedExistingRecord, false);
      const state = h.sandbox.snapshot();
      assert.equal(state.records.length, 1);
      assert.equal(state.assignments[h.number], res.cnamRecordId);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a group: one record created and reviewed once, assigned to every number; one not on the account fails alone', async () => {
    const more = ['12065559001', '12065559002'];
    const h = await harness({ moreNumbers: more });
    try {
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => {
        const id = await h.start({
          additionalNumbers: [...more.map((n) => `+${n}`), '+12065559003'],
          associationWait: '1h',
        });
        const record = await eventually(async () => h.sandbox.snapshot().records[0], 'the CNAM record');
        await env.sleep(2 * HOUR);
        h.sandbox.approve(record.id);
        return result(id);
      });
      const state = h.sandbox.snapshot();
      assert.equal(state.records.length, 1, 'one record for the whole group');
      assert.equal(state.writeCounts['POST /v2/cnams'], 1);
      for (const n of [h.number, ...more]) assert.equal(state.assignments[n], res.cnamRecordId, n);
      assert.deepEqual(
        res.numbers.map((o) => [o.number, o.state]),
        [[`+${h.number}`, 'assigned'], ...more.map((n) => [`+${n}`, 'assigned']), ['+12065559003', 'failed']],
      );
      assert.match(res.numbers[3]!.failure ?? '', /not found|404|No number/i);
    } finally {
      await h.sandbox.close();
    }
  });

  test('fails without retrying when Flowroute rejects the name, carrying the reason', async () => {
    const h = await harness();
    try {
      const worker = await h.newWorker();
      const err = await worker.runUntil(async () => {
        const id = await h.start({ displayName: 'Acme Rockets' });
        const record = await eventually(async () => h.sandbox.snapshot().records[0], 'the CNAM record');
        h.sandbox.reject(record.id, 'Inappropriate content');
        return result(id).then(
          () => undefined,
          (e: unknown) => e,
        );
      });
      assert.ok(err instanceof WorkflowFailedError);
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'CnamRejected');
      assert.match(failure?.message ?? '', /Inappropriate content/);
      assert.equal(h.sandbox.snapshot().assignments[h.number], undefined, 'nothing assigned');
    } finally {
      await h.sandbox.close();
    }
  });

  test('reuses a record that already exists on the account instead of creating a second', async () => {
    const h = await harness({ autoReview: true });
    try {
      const client = new FlowrouteClient({
        baseUrl: h.sandbox.url,
        accessKey: 'sandbox-access-key',
        secretKey: 'sandbox-secret-key',
      });
      const existing = await client.createCnam('Pacific Dental');
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => result(await h.start({ displayName: 'Pacific Dental' })));
      assert.equal(res.cnamRecordId, existing.id);
      assert.equal(res.reusedExistingRecord, true);
      const state = h.sandbox.snapshot();
      assert.equal(state.records.length, 1);
      assert.equal(state.requestCounts['POST /v2/cnams'], 1, 'only the test created a record');
    } finally {
      await h.sandbox.close();
    }
  });

  test('survives its worker being stopped mid-wait: a new worker finishes it, still one record', async () => {
    const h = await harness();
    try {
      const id = await h.start({ displayName: 'Regence Inc' });
      const first = await h.newWorker({ replayOnly: true });
      await first.runUntil(async () => {
        await eventually(async () => (await status(id)).step === 'awaiting-approval', 'awaiting-approval');
        // Skipped while a worker runs: with none, the test server holds time still for the pending task.
        await env.sleep(20 * HOUR);
      });
      const recordId = h.sandbox.snapshot().records[0]!.id;
      h.sandbox.approve(recordId);
      const second = await h.newWorker({ replayOnly: true });
      const res = await second.runUntil(result(id));
      assert.equal(res.cnamRecordId, recordId);
      const state = h.sandbox.snapshot();
      assert.equal(state.records.length, 1);
      assert.equal(state.requestCounts['POST /v2/cnams'], 1);
      assert.equal(state.assignments[h.number], recordId);
    } finally {
      await h.sandbox.close();
    }
  });

  test('checkNow ends the wait at once instead of at the next scheduled check', async () => {
    const h = await harness();
    try {
      const worker = await h.newWorker();
      await worker.runUntil(async () => {
        const id = await h.start({ approvalPollInitial: '1h' });
        const waiting = await eventually(async () => {
          const s = await status(id);
          return s.step === 'awaiting-approval' && s.nextCheckAt ? s : undefined;
        }, 'a scheduled check');
        h.sandbox.approve(h.sandbox.snapshot().records[0]!.id);
        await env.client.workflow.getHandle(id).executeUpdate(checkNow);
        const after = await eventually(async () => {
          const s = await status(id);
          return s.step === 'awaiting-propagation' ? s : undefined;
        }, 'the association wait');
        // Nothing left to check early: the update's validator refuses it, saying why.
        await assert.rejects(env.client.workflow.getHandle(id).executeUpdate(checkNow), (err: Error) =>
          /Not waiting on a provider review \(step: awaiting-propagation\)/.test(
            String((err as Error & { cause?: Error }).cause?.message ?? err.message),
          ),
        );
        const assigned = after.stepsDone.find((s) => s.step === 'assigning')!;
        assert.ok(Date.parse(assigned.at) < Date.parse(waiting.nextCheckAt!), 'assigned before the scheduled check');
        assert.equal(after.approval, 'approved');
        await env.client.workflow.getHandle(id).terminate('test done');
      });
    } finally {
      await h.sandbox.close();
    }
  });

  test('gives up after the configured approval bound, keeping the record', async () => {
    const h = await harness();
    try {
      const worker = await h.newWorker();
      const err = await worker.runUntil(async () =>
        result(await h.start({ approvalTimeout: '10h' })).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      assert.equal(rootApplicationFailure(err)?.type, 'ApprovalTimedOut');
      assert.equal(h.sandbox.snapshot().records.length, 1);
    } finally {
      await h.sandbox.close();
    }
  });

  test('rejects an invalid name before any Flowroute call, naming the rule', async () => {
    const h = await harness();
    try {
      const worker = await h.newWorker();
      const input: FlowrouteProvisionInput = { number: `+${h.number}`, displayName: 'Seattle Police' };
      const err = await worker.runUntil(
        env.client.workflow
          .execute('provisionFlowrouteCnam', {
            taskQueue: h.taskQueue,
            workflowId: `invalid-${h.taskQueue}`,
            args: [input],
          })
          .then(
            () => undefined,
            (e: unknown) => e,
          ),
      );
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'InvalidInput');
      assert.match(failure?.message ?? '', /not-misleading/);
      assert.deepEqual(h.sandbox.snapshot().requestCounts, {});
    } finally {
      await h.sandbox.close();
    }
  });

  test('refuses absurd durations in the workflow input before any Flowroute call, instead of getting stuck', async () => {
    const h = await harness({ autoReview: true });
    try {
      const worker = await h.newWorker();
      // Straight to Temporal, past the API's and CLI's checks, as an old client or a hand-made start would.
      const input: FlowrouteProvisionInput = {
        number: `+${h.number}`,
        displayName: 'Bob Law',
        associationWait: 1e308,
        approvalPollMax: '999999999d',
      };
      const id = `durations-${h.taskQueue}`;
      // The status query is answered by a worker, so it is asked while this one runs.
      const [err, s] = await worker.runUntil(async () => {
        const outcome = await env.client.workflow
          .execute('provisionFlowrouteCnam', { taskQueue: h.taskQueue, workflowId: id, args: [input] })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        return [outcome, await status(id)] as const;
      });
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'InvalidInput');
      assert.match(
        failure?.message ?? '',
        /approvalPollMax must be between 1s and 7d; "999999999d" is not; associationWait must be between 1s and 30d; 1e\+308 is not/,
      );
      assert.deepEqual(h.sandbox.snapshot().requestCounts, {});
      assert.equal(s.step, 'failed');
      assert.match(s.failure ?? '', /associationWait/);
    } finally {
      await h.sandbox.close();
    }
  });

  test('fails fast, creating nothing, when the number is not on the Flowroute account', async () => {
    const h = await harness({ autoReview: true, numberOnAccount: false });
    try {
      const worker = await h.newWorker();
      const err = await worker.runUntil(async () =>
        result(await h.start({})).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      const failure = rootApplicationFailure(err);
      assert.equal(failure?.type, 'ProviderRefused');
      assert.match(
        failure?.message ?? '',
        /^Number \+1\d{10} is not on this Flowroute account \(Flowroute 404 .*\); nothing was created\.$/,
      );
      const state = h.sandbox.snapshot();
      assert.equal(state.requestCounts['GET /v2/numbers/:number'], 1, 'a 404 is not retried');
      assert.equal(
        state.requestCounts['POST /v2/cnams'],
        undefined,
        'no record is created for a number we cannot assign',
      );
      assert.equal(state.records.length, 0);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a create Flowroute carries out after our client gave up still leaves one record', async () => {
    const h = await harness();
    try {
      // The client gives up at 2 s and the retry creates the record; the first create lands at 3 s, and
      // Flowroute refuses it as a duplicate (422), so no second record appears.
      h.sandbox.injectFault({ method: 'POST', path: '/v2/cnams', kind: 'slow-write', delayMs: 3_000 });
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => {
        const startedAt = Date.now();
        const id = await h.start({});
        await eventually(
          async () => ((await status(id)).step === 'awaiting-approval' ? true : undefined),
          'awaiting-approval',
        );
        // Real time, not workflow time: the slow create lands on the sandbox's own clock.
        await new Promise((r) => setTimeout(r, Math.max(0, startedAt + 3_500 - Date.now())));
        assert.equal(h.sandbox.snapshot().records.length, 1, 'the late create made no second record');
        h.sandbox.approve(h.sandbox.snapshot().records[0]!.id);
        await env.client.workflow.getHandle(id).executeUpdate(checkNow);
        return result(id);
      });
      const state = h.sandbox.snapshot();
      assert.equal(state.requestCounts['POST /v2/cnams'], 2, 'the slow create and the retry');
      assert.equal(state.records.length, 1);
      assert.equal(state.assignments[h.number], res.cnamRecordId);
    } finally {
      await h.sandbox.close();
    }
  });

  test('a lost response to the create, then a reset: still exactly one record, assigned', async () => {
    const h = await harness({ autoReview: true });
    try {
      h.sandbox.injectFault({ method: 'POST', path: '/v2/cnams', kind: 'lost-response' });
      h.sandbox.injectFault({ method: 'POST', path: '/v2/cnams', kind: 'reset' });
      h.sandbox.injectFault({ method: 'PATCH', path: '/v2/numbers', kind: 'lost-response' });
      const worker = await h.newWorker();
      const res = await worker.runUntil(async () => result(await h.start({})));
      const state = h.sandbox.snapshot();
      assert.deepEqual(state.faults, [], 'every fault fired');
      assert.equal(state.records.length, 1);
      assert.equal(res.reusedExistingRecord, true, 'the retry was refused as a duplicate and found the record');
      assert.equal(state.assignments[h.number], res.cnamRecordId);
    } finally {
      await h.sandbox.close();
    }
  });

  test('retries 503s and a 429 from Flowroute and still creates exactly one record', async () => {
    const h = await harness({ autoReview: true });
    try {
      h.sandbox.injectFault({ method: 'POST', path: '/v2/cnams', status: 503, count: 2 });
      h.sandbox.injectFault({ method: 'PATCH', path: '/v2/numbers', status: 429, count: 1, retryAfterSeconds: 120 });
      const worker = await h.newWorker();
      const id = await h.start({});
      const res = await worker.runUntil(result(id));
      const state = h.sandbox.snapshot();
      assert.equal(state.records.length, 1);
      assert.equal(state.requestCounts['POST /v2/cnams'], 3);
      const patch = 'PATCH /v2/numbers/:number/relationships/cnams/:id';
      assert.deepEqual(
        [state.requestCounts[patch], state.writeCounts[patch]],
        [2, 1],
        'the 429 PATCH was retried once and applied once',
      );
      assert.equal(state.assignments[h.number], res.cnamRecordId);

      // Retry-After: 120 became the activity's nextRetryDelay; the policy alone would wait 1 s.
      const events = (await env.client.workflow.getHandle(id).fetchHistory()).events ?? [];
      const scheduled = events.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'assignFlowrouteCnam',
      );
      const started = events.find(
        (e) =>
          e.activityTaskStartedEventAttributes &&
          Number(e.activityTaskStartedEventAttributes.scheduledEventId) === Number(scheduled?.eventId),
      );
      assert.ok(scheduled && started, 'assignFlowrouteCnam was scheduled and started');
      assert.equal(started.activityTaskStartedEventAttributes?.attempt, 2);
      const ms = (e: typeof started) =>
        Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
      const waitedMs = ms(started) - ms(scheduled);
      assert.ok(
        waitedMs >= 120_000 && waitedMs < 130_000,
        `second attempt ${waitedMs} ms after scheduling, expected about 120 s`,
      );
    } finally {
      await h.sandbox.close();
    }
  });
});
