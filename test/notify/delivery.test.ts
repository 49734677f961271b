/**
 * Webhook notifications end to end on the time-skipping test server: `notify` in a workflow, the
 * real activity on a worker, and a real HTTP receiver that checks every request's signature.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { ConfigError } from '../../src/config/env';
import type { NotifyInit } from '../../src/core/workflow/notify';
import { createNotifyActivities } from '../../src/notify/activities';
import type { NotificationEvent } from '../../src/notify/events';
import { verifyNotification } from '../../src/notify/signature';
import { createTimeSkippingEnv, eventually, installQuietRuntime, uniqueTaskQueue } from '../helpers/temporal';
import type { notifyWhenCancelled, sendNotifications } from './workflows';

const SECRET = 'receiver-secret-0123456789';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

before(async () => {
  installQuietRuntime();
  [env, bundle] = await Promise.all([
    createTimeSkippingEnv(),
    bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') }),
  ]);
});
after(async () => {
  await env?.teardown();
});

interface Reply {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

interface Received {
  eventId: string | undefined;
  /** The event when the signature checked out. */
  event?: NotificationEvent;
  refusal?: string;
}

/** A webhook receiver that verifies each request as a real one would; `reply(n)` answers the n-th (from 1). */
class Receiver {
  readonly requests: Received[] = [];
  private server: Server;

  constructor(private reply: (n: number) => Reply = () => ({ status: 204 })) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const received: Received = { eventId: req.headers['cnam-event-id'] as string | undefined };
        try {
          received.event = verifyNotification({ body, headers: req.headers, secret: SECRET });
        } catch (err) {
          received.refusal = (err as Error).message;
        }
        this.requests.push(received);
        const answer = received.refusal ? { status: 401, body: received.refusal } : this.reply(this.requests.length);
        res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      });
    });
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject).listen(port, '127.0.0.1', resolve);
    });
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/cnam`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A port nothing listens on (yet). */
async function closedPort(): Promise<number> {
  const probe = await new Receiver().listen();
  const port = Number(new URL(probe.url).port);
  await probe.close();
  return port;
}

const completed: NotifyInit = {
  type: 'cnam.completed',
  provider: 'flowroute',
  number: '+12065550100',
  displayName: 'BOB LAW',
  data: { cnamRecordId: '42' },
};

/** Runs `fn` while a fresh worker, with the activity built from `notifyEnv`, polls its own task queue. */
async function withWorker<T>(notifyEnv: NodeJS.ProcessEnv, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = uniqueTaskQueue('notify');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createNotifyActivities(notifyEnv),
  });
  return worker.runUntil(fn(taskQueue));
}

/** Runs sendNotifications; `during` acts on the run before the test awaits its result (time stands still until then). */
function run(
  notifyEnv: NodeJS.ProcessEnv,
  notifications: NotifyInit[],
  during?: (workflowId: string) => Promise<void>,
) {
  return withWorker(notifyEnv, async (taskQueue) => {
    const handle = await env.client.workflow.start<typeof sendNotifications>('sendNotifications', {
      taskQueue,
      workflowId: `notify-test-${taskQueue}`,
      args: [{ notifications }],
    });
    await during?.(handle.workflowId);
    const sent = await handle.result();
    return { sent, handle, runId: handle.firstExecutionRunId };
  });
}

const webhook = (receiver: Receiver) => ({ CNAM_NOTIFY_URL: receiver.url, CNAM_NOTIFY_SECRET: SECRET });

describe('webhook notifications', () => {
  test('each event is delivered signed, with a deterministic id per type', async () => {
    const receiver = await new Receiver().listen();
    try {
      const { sent, handle, runId } = await run(webhook(receiver), [
        { type: 'cnam.verification', provider: 'twilio', number: '+12065550100', data: { shows: false } },
        { type: 'cnam.verification', provider: 'twilio', number: '+12065550100', data: { shows: true } },
        completed,
      ]);
      assert.deepEqual(
        sent.map((s) => [s.delivered, s.detail]),
        Array(3).fill([true, `${receiver.url} answered 204`]),
      );
      assert.deepEqual(
        receiver.requests.map((r) => r.refusal),
        [undefined, undefined, undefined],
      );
      const prefix = `${handle.workflowId}/${runId}`;
      assert.deepEqual(
        receiver.requests.map((r) => r.event?.id),
        [`${prefix}/cnam.verification/1`, `${prefix}/cnam.verification/2`, `${prefix}/cnam.completed/1`],
      );
      assert.deepEqual(
        receiver.requests.map((r) => r.eventId),
        receiver.requests.map((r) => r.event?.id),
      );
      const last = receiver.requests[2]!.event!;
      assert.deepEqual(
        { ...last, occurredAt: undefined },
        {
          id: `${prefix}/cnam.completed/1`,
          type: 'cnam.completed',
          occurredAt: undefined,
          workflowId: handle.workflowId,
          runId,
          provider: 'flowroute',
          number: '+12065550100',
          displayName: 'BOB LAW',
          data: { cnamRecordId: '42' },
        },
      );
      assert.ok(!Number.isNaN(Date.parse(last.occurredAt)));
      assert.equal(receiver.requests[0]!.event!.displayName, null, 'unset fields are null');
      // The ids come from a counter in the workflow: replaying the history must give the same commands.
      await Worker.runReplayHistory({ workflowBundle: bundle }, await handle.fetchHistory(), handle.workflowId);
    } finally {
      await receiver.close();
    }
  });

  test('a receiver answering 503 is retried with backoff, the same event id each attempt', async () => {
    const receiver = await new Receiver((n) =>
      n <= 2 ? { status: 503, body: 'down for maintenance' } : { status: 200 },
    ).listen();
    try {
      const { sent } = await run(webhook(receiver), [completed]);
      assert.equal(sent[0]!.delivered, true);
      assert.equal(receiver.requests.length, 3);
      assert.equal(new Set(receiver.requests.map((r) => r.event?.id)).size, 1, 'one event id');
      assert.ok(
        receiver.requests.every((r) => r.event),
        'every attempt freshly signed',
      );
      assert.ok(sent[0]!.elapsedMs >= 30_000, `10 s then 20 s of backoff, took ${sent[0]!.elapsedMs} ms`);
    } finally {
      await receiver.close();
    }
  });

  test('a receiver not listening yet: retried until it comes up', async () => {
    const port = await closedPort();
    const receiver = new Receiver();
    try {
      const { sent } = await run(
        { CNAM_NOTIFY_URL: `http://127.0.0.1:${port}/hooks/cnam`, CNAM_NOTIFY_SECRET: SECRET },
        [completed],
        async (workflowId) => {
          // Time stands still until the test awaits the result: the first attempt fails, then the receiver starts.
          const failure = await eventually(async () => {
            const { raw } = await env.client.workflow.getHandle(workflowId).describe();
            const pending = raw.pendingActivities?.[0];
            return (pending?.attempt ?? 0) >= 2 && pending?.lastFailure?.message;
          }, 'a failed first attempt');
          assert.match(failure, /unreachable: connect ECONNREFUSED/);
          await receiver.listen(port);
        },
      );
      assert.equal(sent[0]!.delivered, true);
      assert.equal(receiver.requests.length, 1);
      assert.ok(receiver.requests[0]!.event);
    } finally {
      await receiver.close();
    }
  });

  test('a cancel while retrying does not stop the delivery', async () => {
    const receiver = await new Receiver((n) => (n === 1 ? { status: 502 } : { status: 204 })).listen();
    try {
      const { sent, handle } = await run(webhook(receiver), [completed], async (workflowId) => {
        await eventually(async () => receiver.requests.length > 0, 'the first attempt');
        await env.client.workflow.getHandle(workflowId).cancel();
      });
      assert.equal(sent[0]!.delivered, true);
      assert.equal(receiver.requests.length, 2);
      assert.ok((await handle.fetchHistory()).events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes));
    } finally {
      await receiver.close();
    }
  });

  test('a cancelled workflow can still send its failure notice', async () => {
    const receiver = await new Receiver((n) => (n === 1 ? { status: 503 } : { status: 204 })).listen();
    try {
      const err = await withWorker(webhook(receiver), async (taskQueue) => {
        const handle = await env.client.workflow.start<typeof notifyWhenCancelled>('notifyWhenCancelled', {
          taskQueue,
          workflowId: `notify-test-${taskQueue}`,
        });
        await eventually(
          async () => (await handle.fetchHistory()).events?.some((e) => e.timerStartedEventAttributes),
          'the workflow waiting',
        );
        await handle.cancel();
        return handle.result().then(
          () => undefined,
          (e: unknown) => e,
        );
      });
      assert.ok(err instanceof WorkflowFailedError, 'the run ends cancelled');
      assert.equal(receiver.requests.length, 2, 'retried after the 503 though the workflow was cancelled');
      assert.equal(receiver.requests[1]!.event?.type, 'cnam.failed');
      assert.deepEqual(receiver.requests[1]!.event?.data, { reason: 'cancelled' });
    } finally {
      await receiver.close();
    }
  });

  test("a 429's Retry-After sets the next attempt's delay", async () => {
    const receiver = await new Receiver((n) =>
      n === 1 ? { status: 429, headers: { 'retry-after': '600' }, body: 'slow down' } : { status: 202 },
    ).listen();
    try {
      const { sent } = await run(webhook(receiver), [completed]);
      assert.equal(sent[0]!.delivered, true);
      assert.equal(receiver.requests.length, 2);
      assert.ok(
        sent[0]!.elapsedMs >= 10 * MINUTE && sent[0]!.elapsedMs < 11 * MINUTE,
        `waited ${sent[0]!.elapsedMs} ms (the backoff alone would be 10 s)`,
      );
    } finally {
      await receiver.close();
    }
  });

  test('a 400 is not retried: delivered false with the receiver’s words; the next event still goes', async () => {
    const receiver = await new Receiver((n) =>
      n === 1 ? { status: 400, body: 'unknown event type\n  cnam.failed' } : { status: 204 },
    ).listen();
    try {
      const { sent } = await run(
        { CNAM_NOTIFY_URL: `${receiver.url}?token=in-the-query`, CNAM_NOTIFY_SECRET: SECRET },
        [{ type: 'cnam.failed', data: { message: 'boom' } }, completed],
      );
      assert.equal(receiver.requests.length, 2, 'one request per event');
      assert.equal(sent[0]!.delivered, false);
      assert.equal(sent[0]!.detail, `Webhook ${receiver.url} answered 400: unknown event type cnam.failed`);
      assert.ok(sent[0]!.elapsedMs < 10_000, 'no retry');
      assert.equal(sent[1]!.delivered, true);
      assert.doesNotMatch(JSON.stringify(sent), /in-the-query|receiver-secret/);
    } finally {
      await receiver.close();
    }
  });

  test('a receiver down for good: 12 attempts over about 3.5 hours, then delivered false', async () => {
    const receiver = await new Receiver(() => ({ status: 500, body: 'still broken' })).listen();
    try {
      const { sent } = await run(webhook(receiver), [completed]);
      assert.equal(receiver.requests.length, 12);
      assert.equal(sent[0]!.delivered, false);
      assert.match(sent[0]!.detail, /^gave up retrying: Webhook .* answered 500: still broken$/);
      assert.ok(sent[0]!.elapsedMs > 3 * HOUR && sent[0]!.elapsedMs < 4 * HOUR, `${sent[0]!.elapsedMs / HOUR} h`);
    } finally {
      await receiver.close();
    }
  });

  test('no webhook configured: delivered false, nothing sent', async () => {
    const receiver = await new Receiver().listen();
    try {
      const { sent } = await run({ CNAM_NOTIFY_URL: '', CNAM_NOTIFY_SECRET: '' }, [completed]);
      assert.deepEqual(
        sent.map(({ delivered, detail }) => ({ delivered, detail })),
        [{ delivered: false, detail: 'no webhook configured (CNAM_NOTIFY_URL)' }],
      );
      assert.equal(receiver.requests.length, 0);
    } finally {
      await receiver.close();
    }
  });
});

describe('webhook configuration', () => {
  const configError = (variable: string) => (err: unknown) =>
    err instanceof ConfigError && err.message.includes(variable) && !err.message.includes('short-secret');

  test('a URL without a secret, or a secret without a URL, stops the worker', () => {
    assert.throws(
      () => createNotifyActivities({ CNAM_NOTIFY_URL: 'https://example.com/hook' }),
      configError('CNAM_NOTIFY_SECRET'),
    );
    assert.throws(() => createNotifyActivities({ CNAM_NOTIFY_SECRET: SECRET }), configError('CNAM_NOTIFY_URL'));
  });

  test('a short secret, in a rotation list too, is refused without being printed', () => {
    const url = 'https://example.com/hook';
    assert.throws(
      () => createNotifyActivities({ CNAM_NOTIFY_URL: url, CNAM_NOTIFY_SECRET: 'short-secret' }),
      configError('CNAM_NOTIFY_SECRET'),
    );
    assert.throws(
      () => createNotifyActivities({ CNAM_NOTIFY_URL: url, CNAM_NOTIFY_SECRET: `${SECRET},short-secret` }),
      configError('CNAM_NOTIFY_SECRET'),
    );
    assert.doesNotThrow(() =>
      createNotifyActivities({ CNAM_NOTIFY_URL: url, CNAM_NOTIFY_SECRET: `${SECRET}, ${SECRET}-old` }),
    );
  });

  test('only http(s) URLs without credentials', () => {
    for (const url of ['ftp://example.com/hook', 'not a url', 'https://user:pass@example.com/hook']) {
      assert.throws(
        () => createNotifyActivities({ CNAM_NOTIFY_URL: url, CNAM_NOTIFY_SECRET: SECRET }),
        configError('CNAM_NOTIFY_URL'),
        url,
      );
    }
  });
});
