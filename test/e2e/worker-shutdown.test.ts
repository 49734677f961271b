/**
 * The worker process as an orchestrator runs it (`cnam worker`): health probes, and SIGTERM that lets
 * the provider call in flight finish before the process exits, instead of cutting it off for a retry.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { NativeConnection } from '@temporalio/worker';
import { buildActivityDeps, createCnamWorker } from '../../src/worker';
import { freePort, runCnam } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';
import { eventually, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const CNAM = join(__dirname, '..', '..', 'bin', 'cnam.js');
let stack: Stack;

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 300, twilioDecisionDelayMs: 300 }, { queuePrefix: 'shutdown' });
});
after(() => stack?.close());

function spawnWorker(
  taskQueue: string,
  healthPort: number,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CNAM, 'worker'], {
    env: {
      ...process.env,
      ...stack.sandboxes.workerEnv,
      TEMPORAL_ADDRESS: stack.server.address,
      CNAM_TASK_QUEUE: taskQueue,
      CNAM_HEALTH_HOST: '127.0.0.1',
      CNAM_HEALTH_PORT: String(healthPort),
      CNAM_SHUTDOWN_GRACE: '20s',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** A probe's answer: its status and the parts' states. */
interface ProbeBody {
  status: string;
  parts: { taskQueue: string; state: string }[];
}

async function probe(url: string): Promise<{ status: number; body: ProbeBody } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return { status: res.status, body: (await res.json()) as ProbeBody };
  } catch {
    return null;
  }
}

describe('cnam worker under an orchestrator', () => {
  test('/readyz is 200 while polling; SIGTERM turns it 503, finishes the write in flight, and exits 0', async () => {
    const taskQueue = uniqueTaskQueue('sigterm');
    const healthPort = await freePort();
    const health = `http://127.0.0.1:${healthPort}`;
    const worker = spawnWorker(taskQueue, healthPort);
    try {
      const ready = await eventually(async () => {
        const r = await probe(`${health}/readyz`);
        return r?.status === 200 ? r : undefined;
      }, 'the worker ready');
      assert.equal(ready.body.status, 'ready');
      assert.deepEqual(
        ready.body.parts.map((p) => p.taskQueue).sort(),
        [taskQueue, `${taskQueue}-flowroute`, `${taskQueue}-twilio`],
        'every part of the worker is listed',
      );
      assert.equal((await probe(`${health}/healthz`))?.status, 200);
      assert.equal((await probe(`${health}/nope`))?.status, 404);

      // The record's creation answers after 4 s: SIGTERM lands while it is in flight.
      const fault = await fetch(`${stack.sandboxes.flowroute.url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'POST', path: '/v2/cnams', delayMs: 4_000, count: 1 }),
      });
      assert.equal(fault.status < 300, true);
      const writesBefore = stack.sandboxes.flowroute.snapshot().records.length;
      const start = await runCnam(
        [
          'provision',
          'flowroute',
          '--number',
          '+12065550102',
          '--name',
          'Graceful Co',
          '--json',
          '--association-wait',
          '1s',
        ],
        { TEMPORAL_ADDRESS: stack.server.address, CNAM_TASK_QUEUE: taskQueue },
      );
      assert.equal(start.code, 0, start.stderr);
      const workflowId = JSON.parse(start.stdout).workflowId as string;
      await eventually(
        async () =>
          ((await stack.client.workflow.getHandle(workflowId).describe()).raw.pendingActivities ?? []).some(
            (a) => a.activityType?.name === 'createFlowrouteCnamRecord',
          ) || undefined,
        'the record creation in flight',
      );

      const signalledAt = Date.now();
      worker.child.kill('SIGTERM');
      const draining = await eventually(async () => {
        const r = await probe(`${health}/readyz`);
        return r?.status === 503 ? r : undefined;
      }, '/readyz 503 while draining');
      assert.equal(draining.body.status, 'not ready');
      const code = await worker.exited;
      assert.equal(code, 0, worker.output());
      assert.match(worker.output(), /shutting down: finishing activities in flight/);
      assert.match(worker.output(), /worker stopped/);

      // The call in flight finished on this worker: its completion is in the history under the worker's identity.
      const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
      const completed = (history.events ?? []).filter((e) => e.activityTaskCompletedEventAttributes);
      assert.ok(
        completed.some((e) => e.activityTaskCompletedEventAttributes?.identity?.startsWith(`${worker.child.pid}@`)),
        'the stopped worker completed its activity',
      );
      assert.ok(Date.now() - signalledAt < 20_000, 'within the grace period');
      assert.equal(stack.sandboxes.flowroute.snapshot().records.length, writesBefore + 1, 'the record exists once');

      // Another worker on the same queue carries the run to its end, creating nothing more.
      const connection = await NativeConnection.connect({ address: stack.server.address });
      const next = await createCnamWorker({
        connection,
        namespace: 'default',
        taskQueue,
        deps: await buildActivityDeps(stack.sandboxes.workerEnv),
        workflowBundle: await workflowBundle(),
      });
      const result = (await next.runUntil(stack.client.workflow.getHandle(workflowId).result())) as {
        displayName: string;
      };
      await connection.close();
      assert.equal(result.displayName, 'GRACEFUL CO');
      assert.equal(stack.sandboxes.flowroute.snapshot().records.length, writesBefore + 1, 'still one record');
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  });

  test('a bad tuning variable stops the worker at start, naming it (exit 2)', async () => {
    const run = await runCnam(['worker'], {
      ...stack.sandboxes.workerEnv,
      TEMPORAL_ADDRESS: stack.server.address,
      CNAM_SHUTDOWN_GRACE: 'soon',
      CNAM_MAX_CONCURRENT_ACTIVITIES: '0',
    });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /CNAM_SHUTDOWN_GRACE: must be a duration from 0s to 10m/);
    assert.match(run.stderr, /CNAM_MAX_CONCURRENT_ACTIVITIES/);
  });
});
