/**
 * Fleets on the time-skipping test server against both emulators: rows checked and grouped before
 * anything starts, shared work done once per group, a rejection failing exactly its rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DEFAULT_BUSINESS_PROFILE_SID } from '../../dev/sandbox/twilio';
import { applyFleet, describeFleet, fleetNumbers, retryFleet, type StartedFleet } from '../../src/app/fleet';
import { type FleetResult, getFleetStatus } from '../../src/fleet/messages';
import { planFleet } from '../../src/fleet/plan';
import type { provisionFleet } from '../../src/fleet/workflow';
import { readFleetRows } from '../../src/fleet/rows';
import { decide, fleetStack, withShortWaits } from '../helpers/fleet-stack';
import { createTimeSkippingEnv, eventually, workflowBundle } from '../helpers/temporal';

const HOUR = 60 * 60 * 1000;
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

before(async () => {
  env = await createTimeSkippingEnv();
  bundle = await workflowBundle();
});
after(async () => {
  await env?.teardown();
});

const FLOWROUTE_NUMBERS = ['12065550301', '12065550302', '12065550303', '12065550304', '12065550305', '12065550306'];
const TWILIO_NUMBERS = ['+12065550401', '+12065550402'];

function fleetCsv(): string {
  const bp = DEFAULT_BUSINESS_PROFILE_SID;
  return [
    'provider,number,displayName,businessProfileSid,notificationEmail',
    ...FLOWROUTE_NUMBERS.slice(0, 3).map((n) => `flowroute,+${n},Acme Plumbing,,`),
    ...FLOWROUTE_NUMBERS.slice(3).map(
      (n) => `flowroute,(${n.slice(1, 4)}) ${n.slice(4, 7)}-${n.slice(7)},Cedar Clinic,,`,
    ),
    ...TWILIO_NUMBERS.map((n) => `twilio,${n},Blue Harbor,${bp},ops@example.com`),
    'flowroute,+18005550100,Toll Free Co,,', // refused: toll-free
    `flowroute,+${FLOWROUTE_NUMBERS[0]},Acme Plumbing,,`, // refused: duplicate of line 2
    'twilio,+12065550403,9 Lives,,', // refused: name starts with a digit, no profile, no email
  ].join('\n');
}

const stack = () => fleetStack(env, bundle, { flowroute: FLOWROUTE_NUMBERS, twilio: TWILIO_NUMBERS });

describe('a fleet', () => {
  test('the plan checks every row, refuses bad and duplicate rows by line, and groups rows that share work', () => {
    const plan = planFleet(readFleetRows(fleetCsv(), 'csv'));
    assert.deepEqual(
      plan.refused.map((r) => [r.line, /not-toll-free|duplicate|starts-with-letter/.exec(r.reason)?.[0]]),
      [
        [10, 'not-toll-free'],
        [11, 'duplicate'],
        [12, 'starts-with-letter'],
      ],
    );
    assert.match(plan.refused[1]!.reason, /already on line 2/);
    assert.deepEqual(
      plan.groups.map((g) => [g.provider, g.label, g.numbers.map((n) => n.line)]),
      [
        ['flowroute', 'Flowroute "Acme Plumbing"', [2, 3, 4]],
        ['flowroute', 'Flowroute "Cedar Clinic"', [5, 6, 7]],
        ['twilio', 'Twilio "Blue Harbor"', [8, 9]],
      ],
    );
    // Numbers written differently are the same number: E.164 in every group.
    assert.deepEqual(
      plan.groups[1]!.numbers.map((n) => n.number),
      FLOWROUTE_NUMBERS.slice(3).map((n) => `+${n}`),
    );
    assert.equal(planFleet(readFleetRows(fleetCsv(), 'csv')).fleetId, plan.fleetId, 'the same file, the same fleet id');
    const small = planFleet(readFleetRows(fleetCsv(), 'csv'), { maxNumbersPerGroup: 2 });
    assert.deepEqual(
      small.groups.map((g) => g.numbers.map((n) => n.line)),
      [[2, 3], [4], [5, 6], [7], [8, 9]],
      'a smaller cap splits a name over several groups',
    );
  });

  test('a tuning option out of bounds refuses its row by line, before anything starts', () => {
    const csv = [
      'provider,number,displayName,associationWait',
      `flowroute,+${FLOWROUTE_NUMBERS[0]},Acme Plumbing,1y`,
      `flowroute,+${FLOWROUTE_NUMBERS[1]},Acme Plumbing,2h`,
    ].join('\n');
    const plan = planFleet(readFleetRows(csv, 'csv'));
    assert.deepEqual(
      plan.refused.map((r) => r.line),
      [2],
    );
    assert.match(plan.refused[0]!.reason, /associationWait must be between 1s and 30d/);
    assert.deepEqual(
      plan.groups.map((g) => g.numbers.map((n) => n.line)),
      [[3]],
    );
  });

  test('rows of one name with different tuning options run in different groups, each with its own', () => {
    const csv = [
      'provider,number,displayName,associationWait',
      `flowroute,+${FLOWROUTE_NUMBERS[0]},Acme Plumbing,2h`,
      `flowroute,+${FLOWROUTE_NUMBERS[1]},Acme Plumbing,`,
      `flowroute,+${FLOWROUTE_NUMBERS[2]},Acme Plumbing,2h`,
    ].join('\n');
    const plan = planFleet(readFleetRows(csv, 'csv'));
    assert.deepEqual(
      plan.groups.map((g) => [
        g.numbers.map((n) => n.line),
        (g.input as { associationWait?: unknown }).associationWait,
      ]),
      [
        [[2, 4], '2h'],
        [[3], undefined],
      ],
    );
  });

  test('runs every group: one record per name, one Trust Product per profile and name; applying again starts nothing', async () => {
    const s = await stack();
    try {
      const plan = planFleet(readFleetRows(fleetCsv(), 'csv'));
      const result = await s.worker.runUntil(async () => {
        const started = await applyFleet(env.client, s.taskQueue, withShortWaits(plan), { maxConcurrentGroups: 2 });
        assert.equal(started.alreadyRunning, false);
        assert.equal((await applyFleet(env.client, s.taskQueue, withShortWaits(plan))).alreadyRunning, true);
        await eventually(async () => {
          const status = await env.client.workflow.getHandle(plan.fleetId).query(getFleetStatus);
          return status.counts.running > 0 ? status : undefined;
        }, 'groups running');
        // The fleet reads its groups' steps a minute in: its details count the numbers by step and name the oldest review.
        await env.sleep(5 * 60 * 1000);
        const { summary } = await eventually(async () => {
          const status = await env.client.workflow.getHandle(plan.fleetId).query(getFleetStatus);
          return /awaiting review/.test(status.summary) ? status : undefined;
        }, 'the Flowroute groups read awaiting review');
        const time = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC';
        assert.match(
          summary,
          new RegExp(
            `^0 of 8 done; 6 awaiting review; waiting for the review of Flowroute "(Acme Plumbing|Cedar Clinic)" \\(\\d+\\) since ${time}, next check ${time} and 1 more review; 2 waiting their turn$`,
          ),
        );
        await env.sleep(48 * HOUR);
        decide(s);
        // Groups beyond the window start after the first ones finish: decide again for them.
        await env.sleep(2 * HOUR);
        decide(s);
        await env.sleep(2 * HOUR);
        decide(s);
        return env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result();
      });
      assert.deepEqual(result.counts, { pending: 0, running: 0, done: 8, failed: 0 });
      assert.deepEqual(result.groups, { total: 3, running: 0, done: 3, failed: 0 });
      assert.equal(s.flowrouteSandbox.snapshot().records.length, 2, 'one record per name');
      assert.equal(s.flowrouteSandbox.snapshot().writeCounts['POST /v2/cnams'], 2);
      assert.equal(s.twilioSandbox.state.trustProducts.size, 1, 'one Trust Product for both Twilio numbers');
      for (const n of FLOWROUTE_NUMBERS) assert.ok(s.flowrouteSandbox.snapshot().assignments[n], `${n} assigned`);
      const report = await describeFleet(env.client, plan.fleetId);
      assert.equal(report.state, 'completed');
      assert.match(report.status?.summary ?? '', /^8 of 8 done$/);
    } finally {
      await s.close();
    }
  });

  test('applying a file with more rows to a finished fleet does only the new rows, reusing the record', async () => {
    const s = await stack();
    const csv = (numbers: string[]) =>
      ['provider,number,displayName,associationWait', ...numbers.map((n) => `flowroute,+${n},Acme Plumbing,1h`)].join(
        '\n',
      );
    const run = async (numbers: string[]): Promise<{ started: StartedFleet; result: FleetResult | null }> => {
      const plan = planFleet(readFleetRows(csv(numbers), 'csv'), { fleetId: 'cnam-fleet-growing' });
      const started = await applyFleet(env.client, s.taskQueue, plan);
      if (!started.started) return { started, result: null };
      await env.sleep(HOUR);
      decide(s);
      return { started, result: await env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result() };
    };
    try {
      await s.worker.runUntil(async () => {
        const first = await run(FLOWROUTE_NUMBERS.slice(0, 2));
        assert.deepEqual(first.result?.counts, { pending: 0, running: 0, done: 2, failed: 0 });
        const second = await run(FLOWROUTE_NUMBERS.slice(0, 3));
        assert.deepEqual([second.started.started, second.started.alreadyDone], [true, 2]);
        // The new run started one group with only the new number; its report carries the earlier two as done.
        assert.deepEqual(second.result?.groups, { total: 1, running: 0, done: 1, failed: 0 });
        assert.deepEqual(
          second.result?.numbers.map((n) => n.number),
          FLOWROUTE_NUMBERS.slice(0, 3).map((n) => `+${n}`),
        );
        assert.equal(second.result?.counts.done, 3);
        const third = await run(FLOWROUTE_NUMBERS.slice(0, 3));
        assert.deepEqual([third.started.started, third.started.alreadyDone], [false, 3], 'nothing left to start');
      });
      assert.equal(s.flowrouteSandbox.snapshot().writeCounts['POST /v2/cnams'], 1, 'the second run reused the record');
      for (const n of FLOWROUTE_NUMBERS.slice(0, 3)) assert.ok(s.flowrouteSandbox.snapshot().assignments[n], n);
    } finally {
      await s.close();
    }
  });

  test('a fleet larger than one run continues as new and keeps its counts', async () => {
    const s = await stack();
    try {
      const plan = withShortWaits(planFleet(readFleetRows(fleetCsv(), 'csv'), { fleetId: 'cnam-fleet-segments' }));
      const result = await s.worker.runUntil(async () => {
        // One group per run: three runs for three groups.
        await applyFleet(env.client, s.taskQueue, plan, { maxConcurrentGroups: 1, maxGroupsPerRun: 1 });
        for (let i = 0; i < 3; i++) {
          await env.sleep(2 * HOUR);
          decide(s);
        }
        return env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result();
      });
      assert.deepEqual(result.counts, { pending: 0, running: 0, done: 8, failed: 0 });
      assert.deepEqual(result.groups, { total: 3, running: 0, done: 3, failed: 0 });
      assert.deepEqual(
        result.numbers.map((n) => n.line),
        [2, 3, 4, 5, 6, 7, 8, 9],
        'every number once, in file order',
      );
      const history = await env.client.workflow.getHandle(plan.fleetId).fetchHistory();
      const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
      assert.ok(started?.continuedExecutionRunId, 'the last run continued an earlier one');
    } finally {
      await s.close();
    }
  });

  test('retry runs the failed numbers again and leaves the provisioned ones alone', async () => {
    const s = await stack();
    try {
      const plan = withShortWaits(planFleet(readFleetRows(fleetCsv(), 'csv'), { fleetId: 'cnam-fleet-retry' }));
      const [first] = FLOWROUTE_NUMBERS;
      // Flowroute refuses one assignment once (403): that number fails alone.
      s.flowrouteSandbox.injectFault({ method: 'PATCH', path: `/v2/numbers/${first}/`, status: 403, count: 1 });
      const [before, after] = await s.worker.runUntil(async () => {
        await applyFleet(env.client, s.taskQueue, plan);
        await env.sleep(HOUR);
        decide(s);
        const firstRun = await env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result();
        const retried = await retryFleet(env.client, s.taskQueue, plan.fleetId);
        assert.equal(retried.retried, 1);
        await env.sleep(HOUR);
        decide(s);
        return [firstRun, await env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result()];
      });
      assert.deepEqual(before.counts, { pending: 0, running: 0, done: 7, failed: 1 });
      assert.match(before.numbers.find((n) => n.number === `+${first}`)?.failure ?? '', /403/);
      assert.deepEqual(after.counts, { pending: 0, running: 0, done: 8, failed: 0 });
      assert.equal(s.flowrouteSandbox.snapshot().writeCounts['POST /v2/cnams'], 2, 'the retry reused the record');
      await assert.rejects(retryFleet(env.client, s.taskQueue, plan.fleetId), /no number failed/);
    } finally {
      await s.close();
    }
  });

  test("a rejected name fails exactly its rows, with Flowroute's reason; the other groups finish", async () => {
    const s = await stack();
    try {
      const plan = withShortWaits(planFleet(readFleetRows(fleetCsv(), 'csv'), { fleetId: 'cnam-fleet-rejection' }));
      const result = await s.worker.runUntil(async () => {
        await applyFleet(env.client, s.taskQueue, plan, { maxConcurrentGroups: 5 });
        await eventually(
          async () => (s.flowrouteSandbox.snapshot().records.length === 2 ? true : undefined),
          'both records',
        );
        await env.sleep(HOUR);
        decide(s, { flowroute: 'CEDAR CLINIC' });
        await env.sleep(HOUR);
        decide(s, { flowroute: 'CEDAR CLINIC' });
        return env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result();
      });
      assert.deepEqual(result.counts, { pending: 0, running: 0, done: 5, failed: 3 });
      const failed = await fleetNumbers(env.client, plan.fleetId, { state: 'failed' });
      assert.deepEqual(
        failed.numbers.map((n) => n.line),
        [5, 6, 7],
      );
      for (const n of failed.numbers) assert.match(n.failure ?? '', /Flowroute rejected CNAM record .*Misleading CNAM/);
    } finally {
      await s.close();
    }
  });
});
