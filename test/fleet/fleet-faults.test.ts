/**
 * Fleets on the time-skipping test server against both emulators, where it hurts: a 200-row file with
 * bad and duplicate rows, a Trust Product rejected at review, and the worker replaced mid-fleet while
 * provider writes are still in flight. Every test ends by counting what the sandboxes hold.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DEFAULT_BUSINESS_PROFILE_SID } from '../../dev/sandbox/twilio';
import { applyFleet, describeFleet, fleetNumbers } from '../../src/app/fleet';
import type { FleetResult } from '../../src/fleet/messages';
import { planFleet } from '../../src/fleet/plan';
import { readFleetRows } from '../../src/fleet/rows';
import type { provisionFleet } from '../../src/fleet/workflow';
import { type FleetSandboxes, fleetSandboxes } from '../helpers/fleet-stack';
import { createTimeSkippingEnv, eventually, workflowBundle } from '../helpers/temporal';

const BP = DEFAULT_BUSINESS_PROFILE_SID;
const HEADER = 'provider,number,displayName,businessProfileSid,notificationEmail';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

before(async () => {
  [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
});
after(async () => {
  await env?.teardown();
});

/** `count` US local numbers in E.164, `+1 <area> 555 <from…>`. */
function numbers(area: string, from: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `+1${area}555${String(from + i).padStart(4, '0')}`);
}

/** The ways people write a number in a sheet: the plan must read them all as the same E.164. */
function written(e164: string, i: number): string {
  const [area, exchange, line] = [e164.slice(2, 5), e164.slice(5, 8), e164.slice(8)];
  return [e164, `(${area}) ${exchange}-${line}`, `${area}.${exchange}.${line}`][i % 3]!;
}

const flowrouteRow = (number: string, name: string) => `flowroute,${number},${name},,`;
const twilioRow = (number: string, name: string, profile = BP) => `twilio,${number},${name},${profile},ops@example.com`;

/** Both sandboxes holding `flowroute` and `twilio` numbers (E.164), reviews decided by hand, and workers on one queue. */
const stack = (
  accounts: { flowroute: string[]; twilio: string[] },
  timeouts: { flowrouteMs?: number; twilioMs?: number } = {},
) =>
  fleetSandboxes(
    env,
    bundle,
    { flowroute: accounts.flowroute.map((n) => n.slice(1)), twilio: accounts.twilio },
    timeouts,
  );

type Stack = FleetSandboxes;

const UNDER_REVIEW = new Set(['pending-review', 'in-review']);

/** Once `records` Flowroute records are pending and `trustProducts` Trust Products submitted: the fleet is waiting for review. */
function underReview(s: Stack, expected: { records: number; trustProducts: number }, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const pending = s.flowrouteSandbox.snapshot().records.filter((r) => r.status === 'pending').length;
      const submitted = [...s.twilioSandbox.state.trustProducts.values()].filter((tp) => UNDER_REVIEW.has(tp.status));
      return pending === expected.records && submitted.length === expected.trustProducts;
    },
    `${expected.records} records pending and ${expected.trustProducts} Trust Products submitted`,
    timeoutMs,
  );
}

/** Approves every pending Flowroute record and every submitted Trust Product, except `reject`'s, rejected with its code. */
function decide(s: Stack, reject: { trustProductSid?: string; code?: number } = {}) {
  for (const record of s.flowrouteSandbox.snapshot().records) {
    if (record.status === 'pending') s.flowrouteSandbox.approve(record.id);
  }
  for (const tp of s.twilioSandbox.state.trustProducts.values()) {
    if (!UNDER_REVIEW.has(tp.status)) continue;
    if (tp.sid === reject.trustProductSid) s.twilioSandbox.reject(tp.sid, reject.code);
    else s.twilioSandbox.approve(tp.sid);
  }
}

/** Flowroute's records as a user would check them: value, status and the numbers (E.164) carrying each. */
function flowrouteRecords(s: Stack) {
  return s.flowrouteSandbox
    .snapshot()
    .records.map((r) => ({ value: r.value, status: r.status, numbers: r.numberIds.map((n) => `+${n}`).sort() }))
    .sort((a, b) => a.value.localeCompare(b.value));
}

/** Assignments Flowroute applied (2xx PATCHes of a number's CNAM), whether or not the client heard the answer. */
function flowrouteAssignmentWrites(s: Stack): number {
  const writes = s.flowrouteSandbox.snapshot().writeCounts;
  return Object.entries(writes)
    .filter(([key]) => key.startsWith('PATCH /v2/numbers/'))
    .reduce((sum, [, n]) => sum + n, 0);
}

/**
 * Each Trust Product with what hangs on it: its status, the Business Profiles and cnam End Users
 * assigned to it (the display names those carry) and its numbers (E.164; a number twice shows twice).
 */
function trustProducts(s: Stack) {
  const st = s.twilioSandbox.state;
  const e164 = (pn: string) => st.phoneNumbers.get(pn)?.phoneNumber ?? pn;
  return [...st.trustProducts.values()]
    .map((tp) => {
      const entities = [...st.entityAssignments.values()]
        .filter((a) => a.trustProductSid === tp.sid)
        .map((a) => a.objectSid);
      return {
        sid: tp.sid,
        status: tp.status,
        endUsers: entities
          .filter((sid) => st.endUsers.has(sid))
          .map((sid) => String(st.endUsers.get(sid)!.attributes.cnam_display_name).toUpperCase()),
        profiles: entities.filter((sid) => st.customerProfiles.has(sid)),
        numbers: [...st.trustProductAssignments.values()]
          .filter((a) => a.parentSid === tp.sid)
          .map((a) => e164(a.channelEndpointSid))
          .sort(),
      };
    })
    .sort((a, b) => (a.endUsers[0] ?? '').localeCompare(b.endUsers[0] ?? ''));
}

/** The numbers (E.164) on the Business Profile, one entry per assignment. */
function profileNumbers(s: Stack, profile = BP): string[] {
  const st = s.twilioSandbox.state;
  return [...st.customerProfileAssignments.values()]
    .filter((a) => a.parentSid === profile)
    .map((a) => st.phoneNumbers.get(a.channelEndpointSid)?.phoneNumber ?? a.channelEndpointSid)
    .sort();
}

/** The numbers (E.164) with Caller Name Lookup on. */
function lookupOn(s: Stack): string[] {
  return [...s.twilioSandbox.state.phoneNumbers.values()]
    .filter((pn) => pn.voiceCallerIdLookup)
    .map((pn) => pn.phoneNumber)
    .sort();
}

/** The Trust Product holding the cnam End User that shows `name`. */
function productShowing(s: Stack, name: string): string {
  const found = trustProducts(s).filter((tp) => tp.endUsers.includes(name.toUpperCase()));
  assert.equal(found.length, 1, `one Trust Product shows "${name}"`);
  return found[0]!.sid;
}

/** The fleet's result; a fleet not finished within `ms` (real time) fails the test saying where it stands, instead of hanging it. */
async function fleetResult(fleetId: string, ms = 60_000): Promise<FleetResult> {
  let timer: NodeJS.Timeout | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const where = (r: { state: string; status: { summary: string } | null }) =>
        `${r.state}, ${r.status?.summary ?? 'no status'}`;
      describeFleet(env.client, fleetId).then(
        (r) => reject(new Error(`Fleet ${fleetId} not finished after ${ms} ms: ${where(r)}`)),
        reject,
      );
    }, ms);
  });
  try {
    return await Promise.race([env.client.workflow.getHandle<typeof provisionFleet>(fleetId).result(), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

const sorted = (values: string[]) => [...values].sort();

describe('a fleet under faults', () => {
  test('200 mixed rows: bad and duplicate rows refused by line and rule; every valid number done, one record or Trust Product per name', {
    timeout: 120_000,
  }, async () => {
    const flowrouteNames = ['Acme Plumbing', 'Cedar Clinic', 'Pine Bakery'];
    const twilioNames = ['Blue Harbor', 'Oak Tree Dental'];
    const flowrouteNumbers = flowrouteNames.map((_, i) => numbers('206', i * 100, 50));
    const twilioNumbers = twilioNames.map((_, i) => numbers('312', i * 100, 20));
    // The valid rows interleaved (a mixed sheet), each number written one of three ways.
    const rows: { text: string; group?: string; e164?: string; refused?: string }[] = [];
    for (let j = 0; j < 50; j++) {
      for (const [i, name] of flowrouteNames.entries()) {
        const e164 = flowrouteNumbers[i]![j]!;
        rows.push({ text: flowrouteRow(written(e164, j), name), group: `Flowroute "${name}"`, e164 });
      }
      for (const [i, name] of twilioNames.entries()) {
        const e164 = twilioNumbers[i]![j];
        if (e164) rows.push({ text: twilioRow(written(e164, j), name), group: `Twilio "${name}"`, e164 });
      }
    }
    const [acme0, cedar0, blue0] = [flowrouteNumbers[0]![0]!, flowrouteNumbers[1]![0]!, twilioNumbers[0]![0]!];
    const bad = [
      { text: flowrouteRow('+1206555010', 'Acme Plumbing'), refused: 'number (valid-number)' },
      { text: twilioRow('31255501', 'Blue Harbor'), refused: 'phoneNumber (valid-number)' },
      { text: flowrouteRow('+18005550100', 'Acme Plumbing'), refused: 'number (not-toll-free)' },
      { text: twilioRow('+18885550100', 'Blue Harbor'), refused: 'phoneNumber (not-toll-free)' },
      { text: flowrouteRow('+12065559001', 'Police Dept'), refused: 'displayName (not-misleading)' },
      { text: twilioRow('+13125559002', '9 Lives'), refused: 'displayName (starts-with-letter)' },
      { text: twilioRow('+13125559003', 'Blue Harbor', ''), refused: 'businessProfileSid (format)' },
      // A number already in the file: written otherwise, or under another name.
      { text: flowrouteRow(written(acme0, 1), 'Acme Plumbing'), refused: `duplicate: ${acme0} is already on line 2` },
      { text: flowrouteRow(cedar0, 'Pine Bakery'), refused: `duplicate: ${cedar0} is already on line 3` },
      { text: twilioRow(written(blue0, 2), 'Oak Tree Dental'), refused: `duplicate: ${blue0} is already on line 5` },
    ];
    for (const [i, row] of bad.entries()) rows.splice(10 + i * 19, 0, row);
    assert.equal(rows.length, 200);
    const lineOf = (e164: string) => 2 + rows.findIndex((r) => r.e164 === e164);
    assert.deepEqual([lineOf(acme0), lineOf(cedar0), lineOf(blue0)], [2, 3, 5], 'the originals come first');
    const csv = [HEADER, ...rows.map((r) => r.text)].join('\n');

    const plan = withShortWaits(planFleet(readFleetRows(csv, 'csv')));
    assert.equal(plan.rows, 200);
    assert.deepEqual(
      plan.refused.map((r) => [r.line, r.reason.startsWith('duplicate:') ? r.reason : r.reason.split(':')[0]]),
      rows.flatMap((r, i) => (r.refused ? [[i + 2, r.refused]] : [])),
      'exactly the bad and duplicate rows, by line, each with the rule it breaks',
    );
    const groupOf = (label: string) => {
      const members = rows.flatMap((r, i) => (r.group === label ? [{ line: i + 2, number: r.e164! }] : []));
      return { label, lines: members.map((m) => m.line), numbers: members.map((m) => m.number) };
    };
    const expectedGroups = [
      ...flowrouteNames.map((name) => groupOf(`Flowroute "${name}"`)),
      ...twilioNames.map((name) => groupOf(`Twilio "${name}"`)),
    ];
    assert.deepEqual(
      plan.groups.map((g) => ({
        label: g.label,
        lines: g.numbers.map((n) => n.line),
        numbers: g.numbers.map((n) => n.number),
      })),
      expectedGroups,
      'five groups, one per provider and name, in the order they first appear, every number in E.164',
    );
    assert.deepEqual(
      expectedGroups.map((g) => g.numbers.length),
      [50, 50, 50, 20, 20],
    );

    const s = await stack({ flowroute: flowrouteNumbers.flat(), twilio: twilioNumbers.flat() });
    try {
      const worker = await s.newWorker();
      const result = await worker.runUntil(async () => {
        assert.equal((await applyFleet(env.client, s.taskQueue, plan)).started, true);
        await underReview(s, { records: 3, trustProducts: 2 });
        decide(s);
        return fleetResult(plan.fleetId);
      });
      assert.deepEqual(result.counts, { pending: 0, running: 0, done: 190, failed: 0 });
      assert.deepEqual(result.groups, { total: 5, running: 0, done: 5, failed: 0 });
      const done = await fleetNumbers(env.client, plan.fleetId, { state: 'done' });
      assert.equal(done.total, 190);
      assert.deepEqual(
        done.numbers.map((n) => n.line).sort((a, b) => a - b),
        expectedGroups.flatMap((g) => g.lines).sort((a, b) => a - b),
        'every valid row done, by line',
      );
      assert.deepEqual(
        sorted(done.numbers.map((n) => `${n.provider} ${n.number}`)),
        sorted([
          ...flowrouteNumbers.flat().map((n) => `flowroute ${n}`),
          ...twilioNumbers.flat().map((n) => `twilio ${n}`),
        ]),
      );
      assert.equal((await describeFleet(env.client, plan.fleetId)).status?.summary, '190 of 190 done');

      // Flowroute: one approved record per name, carrying exactly that name's numbers, each assigned once.
      assert.deepEqual(
        flowrouteRecords(s),
        flowrouteNames.map((name, i) => ({
          value: name.toUpperCase(),
          status: 'approved',
          numbers: sorted(flowrouteNumbers[i]!),
        })),
      );
      assert.equal(s.flowrouteSandbox.snapshot().writeCounts['POST /v2/cnams'], 3, 'three creates, one per name');
      assert.equal(flowrouteAssignmentWrites(s), 150, 'each number assigned once');

      // Twilio: one approved Trust Product per (profile, name), with the profile, one cnam End User and the name's numbers.
      assert.deepEqual(
        trustProducts(s).map(({ sid: _sid, ...tp }) => tp),
        twilioNames.map((name, i) => ({
          status: 'twilio-approved',
          endUsers: [name.toUpperCase()],
          profiles: [BP],
          numbers: sorted(twilioNumbers[i]!),
        })),
      );
      assert.equal(s.twilioSandbox.state.endUsers.size, 2, 'one cnam End User per Trust Product');
      assert.equal(s.twilioSandbox.state.entityAssignments.size, 4);
      assert.deepEqual(profileNumbers(s), sorted(twilioNumbers.flat()), 'each number on the Business Profile once');
      assert.deepEqual(lookupOn(s), sorted(twilioNumbers.flat()), 'Caller Name Lookup on for every Twilio number');
    } finally {
      await s.close();
    }
  });

  test("a Trust Product rejected at review fails exactly its numbers, with Twilio's reason; the other name's numbers are done", {
    timeout: 90_000,
  }, async () => {
    const [blue, oak] = [numbers('312', 200, 3), numbers('312', 300, 2)];
    const csv = [
      HEADER,
      twilioRow(blue[0]!, 'Blue Harbor'),
      twilioRow(oak[0]!, 'Oak Tree Dental'),
      twilioRow(blue[1]!, 'Blue Harbor'),
      twilioRow(oak[1]!, 'Oak Tree Dental'),
      twilioRow(blue[2]!, 'Blue Harbor'),
    ].join('\n');
    const plan = withShortWaits(planFleet(readFleetRows(csv, 'csv')));
    assert.deepEqual(
      plan.groups.map((g) => [g.label, g.numbers.map((n) => n.line)]),
      [
        ['Twilio "Blue Harbor"', [2, 4, 6]],
        ['Twilio "Oak Tree Dental"', [3, 5]],
      ],
    );
    const s = await stack({ flowroute: [], twilio: [...blue, ...oak] });
    try {
      const worker = await s.newWorker();
      let rejected = '';
      const result = await worker.runUntil(async () => {
        await applyFleet(env.client, s.taskQueue, plan);
        await underReview(s, { records: 0, trustProducts: 2 });
        rejected = productShowing(s, 'Oak Tree Dental');
        decide(s, { trustProductSid: rejected, code: 11007 });
        return fleetResult(plan.fleetId);
      });
      assert.deepEqual(result.counts, { pending: 0, running: 0, done: 3, failed: 2 });
      assert.deepEqual(result.groups, { total: 2, running: 0, done: 1, failed: 1 });
      assert.deepEqual(
        result.failedGroups.map((g) => g.label),
        ['Twilio "Oak Tree Dental"'],
        'the rejected group, for a retry',
      );

      const failed = await fleetNumbers(env.client, plan.fleetId, { state: 'failed' });
      assert.deepEqual(
        failed.numbers.map((n) => [n.line, n.number]),
        [
          [3, oak[0]],
          [5, oak[1]],
        ],
      );
      for (const n of failed.numbers) {
        assert.match(
          n.failure ?? '',
          new RegExp(
            `^Twilio rejected CNAM Trust Product ${rejected} \\("OAK TREE DENTAL"\\): 11007: The CNAM display name does not match the business name\\.$`,
            'i',
          ),
        );
      }
      const done = await fleetNumbers(env.client, plan.fleetId, { state: 'done' });
      assert.deepEqual(
        done.numbers.map((n) => [n.line, n.number, n.failure]),
        [
          [2, blue[0], null],
          [4, blue[1], null],
          [6, blue[2], null],
        ],
      );
      assert.equal((await describeFleet(env.client, plan.fleetId)).status?.summary, '3 of 5 done, 2 failed');

      assert.deepEqual(
        trustProducts(s).map(({ sid, ...tp }) => ({ rejected: sid === rejected, ...tp })),
        [
          {
            rejected: false,
            status: 'twilio-approved',
            endUsers: ['BLUE HARBOR'],
            profiles: [BP],
            numbers: sorted(blue),
          },
          {
            rejected: true,
            status: 'twilio-rejected',
            endUsers: ['OAK TREE DENTAL'],
            profiles: [BP],
            numbers: sorted(oak),
          },
        ],
      );
      assert.deepEqual(lookupOn(s), sorted(blue), 'Caller Name Lookup only for the approved name');
    } finally {
      await s.close();
    }
  });

  test('the worker replaced twice mid-fleet, first with creates in flight at both providers: every number done, one of each resource', {
    timeout: 150_000,
  }, async () => {
    const [acme, cedar, blue] = [numbers('206', 400, 3), numbers('206', 500, 2), numbers('312', 400, 3)];
    const csv = [
      HEADER,
      ...acme.map((n) => flowrouteRow(n, 'Acme Plumbing')),
      ...cedar.map((n) => flowrouteRow(n, 'Cedar Clinic')),
      ...blue.map((n) => twilioRow(n, 'Blue Harbor')),
    ].join('\n');
    const plan = withShortWaits(planFleet(readFleetRows(csv, 'csv')));
    assert.equal(plan.groups.length, 3);
    // Each provider applies the first creates 10 s after they arrive, long after its client gave up (4 s
    // Flowroute, long enough for the Trust Product create to arrive meanwhile; 2 s Twilio): the crash lands
    // while they are in flight, and they land after the next worker's retries made their own.
    const SLOW_WRITE_MS = 10_000;
    const s = await stack({ flowroute: [...acme, ...cedar], twilio: blue }, { flowrouteMs: 4_000, twilioMs: 2_000 });
    try {
      s.flowrouteSandbox.injectFault({
        method: 'POST',
        path: '/v2/cnams',
        kind: 'slow-write',
        delayMs: SLOW_WRITE_MS,
        count: 2,
      });
      for (const path of ['/v1/TrustProducts', '/v1/EndUsers'])
        s.twilioSandbox.injectFault({ method: 'POST', path, kind: 'slow-write', delayMs: SLOW_WRITE_MS, count: 1 });
      const flowrouteRequests = () => s.flowrouteSandbox.snapshot().requestCounts;
      const twilio = s.twilioSandbox.state;

      // Worker 1 dies once both Flowroute creates and the Trust Product create have reached the providers, unanswered.
      const first = await s.newWorker({ replayOnly: true });
      await first.runUntil(async () => {
        await applyFleet(env.client, s.taskQueue, plan);
        await eventually(
          async () =>
            flowrouteRequests()['POST /v2/cnams'] === 2 && twilio.requestCounts['POST /v1/TrustProducts'] === 1,
          'the creates in flight at both providers',
        );
      });
      assert.equal(s.flowrouteSandbox.snapshot().records.length, 0, 'no create had landed when the worker stopped');
      assert.equal(twilio.trustProducts.size, 0);

      // Worker 2 retries them beside the late writes, and dies while the fleet waits for review.
      const second = await s.newWorker({ replayOnly: true });
      await second.runUntil(async () => {
        await underReview(s, { records: 2, trustProducts: 1 });
        await eventually(
          async () =>
            twilio.writeCounts['POST /v1/TrustProducts'] === 2 && twilio.writeCounts['POST /v1/EndUsers'] === 2,
          'the late Trust Product and End User creates landed beside the retries',
          30_000,
        );
      });
      // (The sweep before submitting may already have deleted a late Trust Product or End User; the one after the
      // propagation wait finds any other: the counts at the end are what matters.)
      decide(s);

      // Worker 3 finishes.
      const third = await s.newWorker();
      const result = await third.runUntil(fleetResult(plan.fleetId));
      assert.deepEqual(result.counts, { pending: 0, running: 0, done: 8, failed: 0 });
      const done = await fleetNumbers(env.client, plan.fleetId, { state: 'done' });
      assert.deepEqual(sorted(done.numbers.map((n) => n.number)), sorted([...acme, ...cedar, ...blue]));

      // Flowroute: the late creates were refused as duplicates (or reused by the retries): one record per name.
      assert.equal(flowrouteRequests()['POST /v2/cnams'], 4, 'two creates in flight at the crash, two retries');
      assert.deepEqual(flowrouteRecords(s), [
        { value: 'ACME PLUMBING', status: 'approved', numbers: sorted(acme) },
        { value: 'CEDAR CLINIC', status: 'approved', numbers: sorted(cedar) },
      ]);
      assert.equal(flowrouteAssignmentWrites(s), 5, 'each number assigned once');

      // Twilio: the late duplicates are gone; one product with one BP and one End User assignment, each number once.
      assert.deepEqual(
        trustProducts(s).map(({ sid: _sid, ...tp }) => tp),
        [{ status: 'twilio-approved', endUsers: ['BLUE HARBOR'], profiles: [BP], numbers: sorted(blue) }],
      );
      assert.equal(twilio.endUsers.size, 1, 'one cnam End User');
      assert.equal(twilio.entityAssignments.size, 2, 'the Business Profile and the End User, once each');
      assert.equal(twilio.trustProductAssignments.size, 3);
      assert.deepEqual(profileNumbers(s), sorted(blue), 'each number on the Business Profile once');
      assert.deepEqual(lookupOn(s), sorted(blue));
    } finally {
      await s.close();
    }
  });
});

/** Minutes instead of Flowroute's business days and Twilio's 72 h, so the test reads the outcome. */
function withShortWaits<T extends { groups: { provider: string; input: unknown }[] }>(plan: T): T {
  for (const g of plan.groups) {
    Object.assign(g.input as object, g.provider === 'twilio' ? { propagationWait: '1h' } : { associationWait: '1h' });
  }
  return plan;
}
