/**
 * `npm run bench -- fleet`: what a fleet costs at the providers, on the time-skipping test server
 * against the emulators (real HTTP, real review delays skipped in time):
 * - Flowroute, N numbers, one name, approval after 48 h: calls per number, records created;
 * - Twilio, N numbers, one Business Profile and name, approval after 72 h with the status callback
 *   (the signal the webhook sends) arriving at approval: calls per number, Trust Products created;
 * - Flowroute, N numbers with N distinct names: record-list requests per number.
 * Each fleet is applied as `cnam fleet apply` does: its plan first reads the providers (counted too).
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startFlowrouteSandbox } from '../dev/sandbox/flowroute';
import { DEFAULT_BUSINESS_PROFILE_SID, startTwilioSandbox } from '../dev/sandbox/twilio';
import { applyFleet, surveyPlan } from '../src/app/fleet';
import { signalProvision } from '../src/app/control';
import { normalizeUsLongCode } from '../src/core/phone';
import { type FleetResult, getFleetStatus } from '../src/fleet/messages';
import { planFleet } from '../src/fleet/plan';
import { fleetRowsFrom } from '../src/fleet/rows';
import type { provisionFleet } from '../src/fleet/workflow';
import { FlowrouteClient } from '../src/providers/flowroute/client';
import { createTwilioClient } from '../src/providers/twilio/client';
import { trustProductStatusChanged } from '../src/providers/twilio/signals';
import { createCnamWorker } from '../src/worker';
import { createTimeSkippingEnv, workflowBundle } from '../test/helpers/temporal';

const HOUR = 60 * 60 * 1000;

export interface FleetBenchOptions {
  numbers: number;
  log: (line: string) => void;
}

/** `count` distinct valid US local numbers (E.164), none of them the emulators' defaults. */
function numbers(count: number, exchange: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const check = normalizeUsLongCode(`+1206${exchange + Math.floor(i / 10000)}${String(i % 10000).padStart(4, '0')}`);
    if (check.ok) out.push(check.e164);
  }
  return out;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

async function waitFor(env: TestWorkflowEnvironment, fleetId: string): Promise<FleetResult> {
  return env.client.workflow.getHandle<typeof provisionFleet>(fleetId).result();
}

export async function flowrouteOneName(env: TestWorkflowEnvironment, n: number, log: FleetBenchOptions['log']) {
  const list = numbers(n, 201);
  const sandbox = await startFlowrouteSandbox({ numbers: list.map((e) => e.slice(1)), autoReview: false });
  const client = new FlowrouteClient({
    baseUrl: sandbox.url,
    accessKey: 'sandbox-access-key',
    secretKey: 'sandbox-secret-key',
  });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { flowroute: client },
    workflowBundle: await workflowBundle(),
  });
  try {
    const plan = planFleet(
      fleetRowsFrom(list.map((number) => ({ provider: 'flowroute', number, displayName: 'Acme Plumbing' }))),
    );
    const started = Date.now();
    const result = await worker.runUntil(async () => {
      await applyFleet(env.client, taskQueue, await surveyPlan(env.client, taskQueue, plan));
      await env.sleep(48 * HOUR);
      for (const record of sandbox.snapshot().records) sandbox.approve(record.id);
      return waitFor(env, plan.fleetId);
    });
    const snapshot = sandbox.snapshot();
    log(
      `flowroute, ${n} numbers, one name: ${result.summary} in ${Math.round((Date.now() - started) / 1000)} s; requests ${JSON.stringify(snapshot.requestCounts)}`,
    );
    return {
      calls: sum(snapshot.requestCounts) / n,
      records: snapshot.writeCounts['POST /v2/cnams'] ?? 0,
      done: result.counts.done,
    };
  } finally {
    await sandbox.close();
  }
}

async function twilioOneName(env: TestWorkflowEnvironment, n: number, log: FleetBenchOptions['log']) {
  const list = numbers(n, 301);
  const sandbox = await startTwilioSandbox({
    numbers: list.map((phoneNumber) => ({ phoneNumber })),
    autoReview: false,
    inReviewDelayMs: 0,
    decisionDelayMs: 0,
  });
  const client = createTwilioClient({
    accountSid: sandbox.accountSid,
    authToken: sandbox.authToken,
    baseUrl: sandbox.url,
  });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { twilio: client },
    workflowBundle: await workflowBundle(),
  });
  try {
    const plan = planFleet(
      fleetRowsFrom(
        list.map((number) => ({
          provider: 'twilio',
          number,
          displayName: 'Acme Plumbing',
          businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
          notificationEmail: 'ops@example.com',
        })),
      ),
    );
    const started = Date.now();
    const result = await worker.runUntil(async () => {
      await applyFleet(env.client, taskQueue, await surveyPlan(env.client, taskQueue, plan));
      await env.sleep(72 * HOUR);
      // Approval, and Twilio's status callback: the webhook signals each group's workflow.
      for (const tp of sandbox.state.trustProducts.values())
        if (tp.status === 'pending-review' || tp.status === 'in-review') sandbox.approve(tp.sid);
      for (const group of plan.groups)
        await signalProvision(env.client, group.workflowId, trustProductStatusChanged, {}).catch(() => undefined);
      return waitFor(env, plan.fleetId);
    });
    log(
      `twilio, ${n} numbers, one profile and name: ${result.summary} in ${Math.round((Date.now() - started) / 1000)} s; ${sandbox.state.trustProducts.size} Trust Products`,
    );
    return {
      calls: sum(sandbox.state.requestCounts) / n,
      trustProducts: sandbox.state.trustProducts.size,
      done: result.counts.done,
    };
  } finally {
    await sandbox.close();
  }
}

async function flowrouteDistinctNames(env: TestWorkflowEnvironment, n: number, log: FleetBenchOptions['log']) {
  const list = numbers(n, 401);
  const sandbox = await startFlowrouteSandbox({
    numbers: list.map((e) => e.slice(1)),
    autoReview: true,
    approvalDelayMs: 0,
  });
  const client = new FlowrouteClient({
    baseUrl: sandbox.url,
    accessKey: 'sandbox-access-key',
    secretKey: 'sandbox-secret-key',
  });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: { flowroute: client },
    workflowBundle: await workflowBundle(),
  });
  try {
    // Names of letters only, distinct: "Shop A", …, "Shop Zz".
    const name = (i: number) =>
      `Shop ${String.fromCharCode(65 + (i % 26))}${i >= 26 ? String.fromCharCode(97 + (Math.floor(i / 26) % 26)) : ''}${i >= 676 ? String.fromCharCode(97 + (Math.floor(i / 676) % 26)) : ''}`;
    const plan = planFleet(
      fleetRowsFrom(
        list.map((number, i) => ({ provider: 'flowroute', number, displayName: name(i), associationWait: '1h' })),
      ),
    );
    const result = await worker.runUntil(async () => {
      await applyFleet(env.client, taskQueue, await surveyPlan(env.client, taskQueue, plan), {
        maxConcurrentGroups: 50,
      });
      return waitFor(env, plan.fleetId);
    });
    const lists = sandbox.snapshot().requestCounts['GET /v2/cnams'] ?? 0;
    log(
      `flowroute, ${result.total} numbers, as many names: ${result.summary}; ${lists} record-list requests; ${plan.refused.length} generated names refused by the rules`,
    );
    return { listCalls: lists / result.total, done: result.counts.done };
  } finally {
    await sandbox.close();
  }
}

export async function runFleetBench(options: FleetBenchOptions) {
  const env = await createTimeSkippingEnv();
  try {
    const oneName = await flowrouteOneName(env, options.numbers, options.log);
    const twilio = await twilioOneName(env, options.numbers, options.log);
    const distinct = await flowrouteDistinctNames(env, options.numbers, options.log);
    const round = (x: number) => Math.round(x * 100) / 100;
    return {
      numbers: options.numbers,
      flowrouteCallsPerNumber: round(oneName.calls),
      recordsCreated: oneName.records,
      twilioCallsPerNumber: round(twilio.calls),
      trustProductsCreated: twilio.trustProducts,
      flowrouteListCallsPerNumber: round(distinct.listCalls),
      completed: oneName.done + twilio.done + distinct.done,
    };
  } finally {
    await env.teardown();
  }
}

export interface RateBenchOptions {
  /** Flowroute numbers assigned (one name: one record, then one assignment per number). */
  numbers: number;
  /** The emulator's request-rate limit; the worker's limit is set a little below it. */
  requestsPerSecond: number;
  log: (line: string) => void;
}

/**
 * On a real dev server (the server enforces task-queue rate limits; the time-skipping server does
 * not): a Flowroute emulator that answers 429 above `requestsPerSecond`, and a worker whose Flowroute
 * queue is limited to 95% of it. Reports the rate achieved while assigning, as a share of the limit,
 * the 429s the emulator sent, and how long until every row of the fleet had started.
 */
export async function runRateBench(options: RateBenchOptions) {
  const { startStack } = await import('../test/helpers/stack');
  const rate = options.requestsPerSecond;
  const workerRate = rate * 0.95;
  const list = numbers(options.numbers, 501);
  const stack = await startStack(
    {
      rateLimit: { requestsPerSecond: rate },
      flowrouteApprovalDelayMs: 0,
      flowrouteNumbers: list.map((n) => n.slice(1)),
    },
    { queuePrefix: 'bench-rate', requestsPerSecond: { flowroute: workerRate } },
  );
  try {
    const flowroute = stack.sandboxes.flowroute;
    const plan = planFleet(
      fleetRowsFrom(
        list.map((number) => ({
          provider: 'flowroute',
          number,
          displayName: 'Acme Plumbing',
          approvalPollInitial: '1s',
          associationWait: '1s',
        })),
      ),
    );
    const t0 = Date.now();
    await applyFleet(stack.client, stack.taskQueue, await surveyPlan(stack.client, stack.taskQueue, plan));
    const handle = stack.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId);
    let allStartedAt: number | null = null;
    const samples: [number, number][] = [];
    for (;;) {
      const status = await handle.query(getFleetStatus).catch(() => null);
      if (allStartedAt === null && status && status.counts.pending === 0) allStartedAt = Date.now();
      samples.push([Date.now(), sumAssigns(flowroute.snapshot().writeCounts)]);
      const { status: state } = await handle.describe();
      if (state.name !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await handle.result();
    // The assigning window: from the first assignment to the last.
    const first = samples.find(([, c]) => c > 0);
    const last = samples.find(([, c]) => c === samples[samples.length - 1]![1]);
    const assigned = (last?.[1] ?? 0) - (first?.[1] ?? 0);
    const seconds = first && last ? (last[0] - first[0]) / 1000 : 0;
    const achieved = seconds > 0 ? assigned / seconds : 0;
    const http429 = flowroute.snapshot().http429;
    options.log(
      `rate: ${result.summary}; ${assigned} assignments in ${seconds.toFixed(1)} s = ${achieved.toFixed(2)}/s against a limit of ${rate}/s (worker ${workerRate}/s); ${http429} × 429`,
    );
    return {
      rateLimitUtilisation: Math.round((achieved / rate) * 100) / 100,
      http429,
      fleetStartSeconds: allStartedAt === null ? null : Math.round((allStartedAt - t0) / 100) / 10,
      rateNumbers: options.numbers,
    };
  } finally {
    await stack.close();
  }
}

function sumAssigns(counts: Record<string, number>): number {
  return Object.entries(counts)
    .filter(([k]) => k.startsWith('PATCH /v2/numbers'))
    .reduce((a, [, v]) => a + v, 0);
}
