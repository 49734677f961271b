/**
 * The plan reads the providers before a fleet starts (through the worker, which holds the
 * credentials): numbers that already show their name are reported done and not run, existing records
 * and Trust Products are named as reused, a name Flowroute already rejected is refused by line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DEFAULT_BUSINESS_PROFILE_SID } from '../../dev/sandbox/twilio';
import { applyFleet, fleetNumbers, surveyPlan } from '../../src/app/fleet';
import type { FleetResult } from '../../src/fleet/messages';
import { planFleet } from '../../src/fleet/plan';
import { readFleetRows } from '../../src/fleet/rows';
import type { provisionFleet } from '../../src/fleet/workflow';
import { decide, type FleetStack, fleetStack, withShortWaits } from '../helpers/fleet-stack';
import { createTimeSkippingEnv, uniqueTaskQueue, workflowBundle } from '../helpers/temporal';

const HOUR = 60 * 60 * 1000;
const F = ['+12065550501', '+12065550502', '+12065550503', '+12065550504'];
const T = ['+12065550601', '+12065550602'];
const BP = DEFAULT_BUSINESS_PROFILE_SID;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
before(async () => {
  env = await createTimeSkippingEnv();
  bundle = await workflowBundle();
});
after(async () => {
  await env?.teardown();
});

const csv = (rows: string[]) =>
  ['provider,number,displayName,businessProfileSid,notificationEmail', ...rows].join('\n');

/** Runs a fleet to its end, deciding every review as it comes. */
async function runFleet(s: FleetStack, plan: ReturnType<typeof planFleet>): Promise<FleetResult> {
  await applyFleet(env.client, s.taskQueue, withShortWaits(plan));
  for (let i = 0; i < 3; i++) {
    await env.sleep(HOUR);
    decide(s);
  }
  return env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result();
}

describe("a fleet's plan reads the providers", () => {
  test('numbers already showing their name are done without running; reuses are named; a rejected name is refused', async () => {
    const s = await fleetStack(env, bundle, { flowroute: F.map((n) => n.slice(1)), twilio: T });
    try {
      await s.worker.runUntil(async () => {
        // Earlier, by another fleet: F1 shows ACME PLUMBING, T1 shows Blue Harbor.
        const earlier = await runFleet(
          s,
          planFleet(
            readFleetRows(
              csv([`flowroute,${F[0]},Acme Plumbing,,`, `twilio,${T[0]},Blue Harbor,${BP},ops@example.com`]),
              'csv',
            ),
            { fleetId: 'cnam-fleet-earlier' },
          ),
        );
        assert.deepEqual(earlier.counts, { pending: 0, running: 0, done: 2, failed: 0 });
        // And a name Flowroute has rejected before.
        const dusk = await s.flowroute.createCnam('Dusk Bakery');
        s.flowrouteSandbox.reject(dusk.id, 'Misleading CNAM');
        const acme = s.flowrouteSandbox.snapshot().records.find((r) => r.value === 'ACME PLUMBING');
        const product = [...s.twilioSandbox.state.trustProducts.values()][0];
        assert.ok(acme && product);

        const rows = csv([
          `flowroute,${F[0]},Acme Plumbing,,`,
          `flowroute,${F[1]},Acme Plumbing,,`,
          `flowroute,${F[2]},Dusk Bakery,,`,
          `flowroute,${F[3]},Maple Dental,,`,
          `twilio,${T[0]},Blue Harbor,${BP},ops@example.com`,
          `twilio,${T[1]},Blue Harbor,${BP},ops@example.com`,
        ]);
        const local = planFleet(readFleetRows(rows, 'csv'));
        const plan = await surveyPlan(env.client, s.taskQueue, local);
        assert.deepEqual(plan.providerState, { read: true, note: 'read from Flowroute and Twilio' });
        assert.equal(plan.fleetId, local.fleetId, 'the fleet id stays the one derived from every valid row');
        assert.deepEqual(
          plan.alreadyDone.map((d) => [d.line, d.number]),
          [
            [2, F[0]],
            [6, T[0]],
          ],
        );
        assert.match(plan.alreadyDone[0]!.reason, new RegExp(`record ${acme.id} "ACME PLUMBING" is already assigned`));
        assert.match(plan.alreadyDone[1]!.reason, new RegExp(`Trust Product ${product.sid}, showing "Blue Harbor"`));
        assert.deepEqual(
          plan.refused.map((r) => r.line),
          [4],
        );
        assert.match(plan.refused[0]!.reason, new RegExp(`rejected record ${dusk.id} "DUSK BAKERY": Misleading CNAM`));
        assert.deepEqual(
          plan.groups.map((g) => [g.label, g.numbers.map((n) => n.number), g.reuses]),
          [
            ['Flowroute "Acme Plumbing"', [F[1]], `record ${acme.id} "ACME PLUMBING" (approved)`],
            ['Flowroute "Maple Dental"', [F[3]], null],
            // The Twilio group now starts from T2: its Trust Product is named after T2's provisioning.
            ['Twilio "Blue Harbor"', [T[1]], null],
          ],
        );

        const assignsBefore =
          s.flowrouteSandbox.snapshot().writeCounts['PATCH /v2/numbers/:number/relationships/cnams/:id'];
        const result = await runFleet(s, plan);
        assert.deepEqual(result.counts, { pending: 0, running: 0, done: 5, failed: 0 });
        const done = (await fleetNumbers(env.client, plan.fleetId)).numbers;
        const shown = done.filter((n) => n.note);
        assert.deepEqual(
          shown.map((n) => [n.number, n.workflowId]),
          [
            [F[0], ''],
            [T[0], ''],
          ],
          'the numbers already showing their name were not run',
        );
        assert.match(shown[0]!.note ?? '', /already done before this run/);
        const assignsAfter =
          s.flowrouteSandbox.snapshot().writeCounts['PATCH /v2/numbers/:number/relationships/cnams/:id'];
        assert.equal((assignsAfter ?? 0) - (assignsBefore ?? 0), 2, 'F2 and F4 assigned; F1 left alone');
      });
      const records = s.flowrouteSandbox
        .snapshot()
        .records.map((r) => r.value)
        .sort();
      assert.deepEqual(records, ['ACME PLUMBING', 'DUSK BAKERY', 'MAPLE DENTAL'], 'the approved record was reused');
      assert.equal(s.flowrouteSandbox.snapshot().assignments[F[2]!.slice(1)], undefined, 'the refused row ran nothing');
    } finally {
      await s.close();
    }
  });

  test('without a worker to ask, the plan is returned as it was, saying the providers were not read', async () => {
    const plan = planFleet(readFleetRows(csv([`flowroute,${F[0]},Acme Plumbing,,`]), 'csv'));
    const surveyed = await surveyPlan(env.client, uniqueTaskQueue('no-worker'), plan, { deadlineMs: 1_000 });
    assert.equal(surveyed.providerState?.read, false);
    assert.match(surveyed.providerState?.note ?? '', /providers not read: (no worker polls|no answer within 1 s)/);
    assert.deepEqual(surveyed.groups, plan.groups);
    assert.deepEqual(surveyed.alreadyDone, []);
  });
});
