/**
 * The reconciliation on a real dev server (visibility lists the completed runs) against both sandboxes:
 * numbers provisioned to completion, then changed "in the console" through the sandboxes' admin routes
 * (and, for what Twilio's console does through the API, the SDK), then read back. The tests run in
 * order and share the numbers: each step builds on the state the one before left.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareStart } from '../../src/app/schemas';
import { startProvision } from '../../src/app/start';
import { CnamDrift } from '../../src/core/workflow/search-attributes';
import { createTwilioClient, type Twilio } from '../../src/providers/twilio/client';
import { listWatchedNumbers } from '../../src/watch/completed';
import type { DriftItem, ReconcileInput, ReconcileResult } from '../../src/watch/drift';
import { reconcileCnams } from '../../src/watch/workflow';
import { startStack, type Stack } from '../helpers/stack';
import { eventually } from '../helpers/temporal';

const FLOWROUTE = { A: '+12065550200', B: '+12065550201', C: '+12065550202', D: '+12065550203', E: '+12065550204' };
const TWILIO = { T1: '+12065550100', T2: '+12065550101', T3: '+12065550102', T4: '+12065550103', T5: '+12065550104' };
const FAST_FLOWROUTE = { approvalPollInitial: '1s', approvalPollMax: '1s', associationWait: '1s', verifyFor: 0 };
const FAST_TWILIO = { reviewPollInitial: '1s', reviewPollMax: '1s', propagationWait: '1s', verifyFor: 0 };

let stack: Stack;
let twilio: Twilio;
/** Each Flowroute number's record and each Twilio number's provisioning result, once provisioned. */
const records: Record<string, string> = {};
const products: Record<string, { trustProductSid: string; endUserSid: string; phoneNumberSid: string }> = {};
let runs = 0;

before(async () => {
  stack = await startStack(
    {
      flowrouteApprovalDelayMs: 200,
      twilioDecisionDelayMs: 300,
      flowrouteNumbers: Object.values(FLOWROUTE).map((n) => n.slice(1)),
    },
    { queuePrefix: 'watch' },
  );
  twilio = createTwilioClient({
    accountSid: stack.sandboxes.twilio.accountSid,
    authToken: stack.sandboxes.twilio.authToken,
    baseUrl: stack.sandboxes.twilio.url,
  });
});
after(() => stack?.close());

async function provision(start: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { workflowId } = await startProvision(stack.client, stack.taskQueue, prepareStart(start));
  return (await stack.client.workflow.getHandle(workflowId).result()) as Record<string, unknown>;
}

async function reconcile(input: ReconcileInput = {}): Promise<{ result: ReconcileResult; drift: string | undefined }> {
  const handle = await stack.client.workflow.start(reconcileCnams, {
    taskQueue: stack.taskQueue,
    workflowId: `reconcile-test-${++runs}`,
    args: [input],
  });
  const result = await handle.result();
  const drift = (await handle.describe()).typedSearchAttributes.get(CnamDrift);
  return { result, drift };
}

/** The drift found for `number`, or undefined. */
const of = (result: ReconcileResult, number: string): DriftItem | undefined =>
  result.drift.find((d) => d.number === number);

async function admin(base: string, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.text()}`);
}

describe('reconcileCnams', () => {
  test('right after provisioning, every completed number shows its name: no drift', { timeout: 240_000 }, async () => {
    const names = { A: 'Alder Dental', B: 'Birch Bakery', C: 'Cedar Clinic', D: 'Dogwood Deli', E: 'Elm Eyecare' };
    const flowroute = await Promise.all(
      (Object.keys(FLOWROUTE) as (keyof typeof FLOWROUTE)[]).map((k) =>
        provision({ provider: 'flowroute', number: FLOWROUTE[k], displayName: names[k], ...FAST_FLOWROUTE }),
      ),
    );
    for (const r of flowroute) records[r.number as string] = r.cnamRecordId as string;
    const twilioNames = {
      T1: 'ACME PLUMBING',
      T2: 'BOLT ELECTRIC',
      T3: 'CREST ROOFING',
      T4: 'DUNE SURF',
      T5: 'EAGLE MOVERS',
    };
    const results = await Promise.all(
      (Object.keys(TWILIO) as (keyof typeof TWILIO)[]).map((k) =>
        provision({
          provider: 'twilio',
          phoneNumber: TWILIO[k],
          businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
          displayName: twilioNames[k],
          notificationEmail: 'ops@example.com',
          ...FAST_TWILIO,
        }),
      ),
    );
    for (const r of results) {
      const [n] = r.numbers as { phoneNumber: string; phoneNumberSid: string }[];
      products[n!.phoneNumber] = {
        trustProductSid: r.trustProductSid as string,
        endUserSid: r.endUserSid as string,
        phoneNumberSid: n!.phoneNumberSid,
      };
    }
    // E's name is removed again: a number whose latest run is a removal is not watched.
    const { startLifecycle } = await import('../../src/app/lifecycle');
    const removal = await startLifecycle(stack.client, stack.taskQueue, {
      operation: 'remove',
      provider: 'flowroute',
      number: FLOWROUTE.E,
    });
    await stack.client.workflow.getHandle(removal.workflowId).result();

    const watched = await eventually(async () => {
      const found = await listWatchedNumbers(stack.client);
      return found.length === 9 ? found : undefined;
    }, 'the 9 named numbers in visibility');
    assert.ok(!watched.some((n) => n.number === FLOWROUTE.E), 'the removed number is not watched');
    assert.deepEqual(
      watched.find((n) => n.number === FLOWROUTE.A),
      {
        provider: 'flowroute',
        number: FLOWROUTE.A,
        displayName: 'ALDER DENTAL',
        resources: { numberId: FLOWROUTE.A.slice(1), cnamRecordId: records[FLOWROUTE.A] },
        workflowId: `cnam-flowroute-${FLOWROUTE.A.slice(1)}`,
        closedAt: watched.find((n) => n.number === FLOWROUTE.A)!.closedAt,
      },
    );

    const { result, drift } = await reconcile();
    assert.deepEqual(result.drift, []);
    assert.deepEqual([result.numbersChecked, result.ok, result.notes], [9, 9, []]);
    assert.equal(drift, 'none');
  });

  test('each kind of drift is found, with what the provider shows now', { timeout: 120_000 }, async () => {
    const fr = stack.sandboxes.flowroute.url;
    const tw = stack.sandboxes.twilio.url;
    const id = (e164: string) => e164.slice(1);
    // Flowroute: A's name taken off, B given C's record, D released from the account.
    await admin(fr, 'PUT', `/__sandbox/numbers/${id(FLOWROUTE.A)}/cnam`, { cnamId: null });
    await admin(fr, 'PUT', `/__sandbox/numbers/${id(FLOWROUTE.B)}/cnam`, { cnamId: records[FLOWROUTE.C] });
    await admin(fr, 'DELETE', `/__sandbox/numbers/${id(FLOWROUTE.D)}`);
    // Twilio: T1's product rejected, T2's expired yesterday, T3 released, T4 taken off its product, T5's name edited.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    await admin(tw, 'POST', `/__sandbox/trust-products/${products[TWILIO.T1]!.trustProductSid}/status`, {
      status: 'twilio-rejected',
    });
    await admin(tw, 'POST', `/__sandbox/trust-products/${products[TWILIO.T2]!.trustProductSid}/status`, {
      status: 'twilio-approved',
      validUntil: yesterday,
    });
    await admin(tw, 'DELETE', `/__sandbox/numbers/${encodeURIComponent(TWILIO.T3)}`);
    const t4 = products[TWILIO.T4]!;
    const onT4 = twilio.trusthub.v1.trustProducts(t4.trustProductSid).trustProductsChannelEndpointAssignment;
    for (const a of await onT4.list()) await onT4(a.sid).remove();
    await twilio.trusthub.v1
      .endUsers(products[TWILIO.T5]!.endUserSid)
      .update({ attributes: { cnam_display_name: 'SOMEONE ELSE' } });

    const { result, drift } = await reconcile();
    assert.equal(drift, 'found');
    assert.deepEqual([result.numbersChecked, result.ok, result.drift.length], [9, 1, 8]);
    const kinds = Object.fromEntries(result.drift.map((d) => [d.number, [d.kind, d.repair]]));
    assert.deepEqual(kinds, {
      [FLOWROUTE.A]: ['name-removed', null],
      [FLOWROUTE.B]: ['name-changed', null],
      [FLOWROUTE.D]: ['number-gone', null],
      [TWILIO.T1]: ['product-rejected', null],
      [TWILIO.T2]: ['product-expired', null],
      [TWILIO.T3]: ['number-gone', null],
      [TWILIO.T4]: ['number-unassigned', null],
      [TWILIO.T5]: ['name-changed', null],
    });
    assert.match(
      of(result, FLOWROUTE.A)!.detail,
      new RegExp(`carries no CNAM \\(record ${records[FLOWROUTE.A]} still exists\\)`),
    );
    assert.equal(
      of(result, FLOWROUTE.B)!.detail,
      `${FLOWROUTE.B} carries record ${records[FLOWROUTE.C]} ("CEDAR CLINIC"), not ${records[FLOWROUTE.B]}`,
    );
    assert.equal(of(result, FLOWROUTE.B)!.displayName, 'BIRCH BAKERY');
    assert.match(of(result, FLOWROUTE.D)!.detail, /no longer on the Flowroute account/);
    assert.match(of(result, TWILIO.T1)!.detail, /is twilio-rejected: 11009: /);
    assert.equal(
      of(result, TWILIO.T2)!.detail,
      `Trust Product ${products[TWILIO.T2]!.trustProductSid} was valid until ${new Date(yesterday).toISOString().replace(/\.\d{3}Z$/, '.000Z')}`,
    );
    assert.match(of(result, TWILIO.T3)!.detail, /no longer on the Twilio account/);
    assert.match(of(result, TWILIO.T4)!.detail, new RegExp(`no longer on Trust Product ${t4.trustProductSid}`));
    assert.match(of(result, TWILIO.T5)!.detail, /now carries "SOMEONE ELSE"/);
  });

  test('with repair: the right workflow starts for each repairable drift and puts the number right', {
    timeout: 180_000,
  }, async () => {
    const { result } = await reconcile({ repair: true });
    const repairs = Object.fromEntries(result.drift.map((d) => [d.number, d.repair]));
    for (const n of [FLOWROUTE.A, FLOWROUTE.B, TWILIO.T1, TWILIO.T2, TWILIO.T4])
      assert.deepEqual(
        [repairs[n]?.workflowId, repairs[n]?.started],
        [`cnam-${n.startsWith('+1206555020') ? 'flowroute' : 'twilio'}-${n.slice(1)}`, true],
        n,
      );
    assert.match(repairs[FLOWROUTE.A]!.detail, /^provisioning of "ALDER DENTAL" started$/);
    assert.match(repairs[TWILIO.T5]!.detail, /^rename of "EAGLE MOVERS" started$/);
    for (const n of [FLOWROUTE.D, TWILIO.T3]) {
      assert.equal(repairs[n]?.started, false);
      assert.match(repairs[n]!.detail, /report only: the number is no longer on the account/);
    }
    const types = async (n: string, provider: string) =>
      (await stack.client.workflow.getHandle(`cnam-${provider}-${n.slice(1)}`).describe()).type;
    assert.equal(await types(FLOWROUTE.A, 'flowroute'), 'provisionFlowrouteCnam');
    assert.equal(await types(TWILIO.T1, 'twilio'), 'provisionTwilioCnam');
    assert.equal(await types(TWILIO.T5, 'twilio'), 'renameTwilioCnam');

    // Flowroute: the repair provisioning finds the record by its name and puts it back on A and B.
    await eventually(
      async () => {
        const { assignments } = stack.sandboxes.flowroute.snapshot();
        return (
          assignments[FLOWROUTE.A.slice(1)] === records[FLOWROUTE.A] &&
          assignments[FLOWROUTE.B.slice(1)] === records[FLOWROUTE.B]
        );
      },
      'A and B carrying their own records again',
      60_000,
    );
    // Twilio: the rejected product is resubmitted and approved again.
    const t1 = products[TWILIO.T1]!.trustProductSid;
    await eventually(
      async () => stack.sandboxes.twilio.state.trustProducts.get(t1)?.status === 'twilio-approved',
      `Trust Product ${t1} approved again`,
      60_000,
    );

    // A second run while the repairs still run starts nothing twice.
    const again = await reconcile({ repair: true });
    const t2 = again.result.drift.find((d) => d.number === TWILIO.T2);
    assert.deepEqual(
      [t2?.repair?.started, t2?.repair?.detail],
      [false, 'a provisioning is already running on the number; not started again'],
    );
    assert.ok(!again.result.drift.some((d) => d.number === FLOWROUTE.A || d.number === FLOWROUTE.B));
  });

  test('with dip: a number the provider shows right but the network does not is not-showing', {
    timeout: 120_000,
  }, async () => {
    const tw = stack.sandboxes.twilio.url;
    const lookup = (e164: string, body: unknown) =>
      admin(tw, 'PUT', `/__sandbox/lookup/numbers/${encodeURIComponent(e164)}`, body);
    await lookup(FLOWROUTE.C, { answer: 'name', callerName: 'CEDAR CLINIC' });
    await lookup(FLOWROUTE.A, { answer: 'name', callerName: 'ALDER DENTAL' });
    await lookup(FLOWROUTE.B, { answer: 'no-data' });
    await lookup(TWILIO.T1, { answer: 'name', callerName: 'WRONG NAME INC', callerType: 'BUSINESS' });
    await lookup(TWILIO.T4, { answer: 'name', callerName: 'DUNE SURF' });
    const { result } = await reconcile({ dip: true });
    assert.equal(of(result, FLOWROUTE.C), undefined);
    assert.equal(of(result, FLOWROUTE.A), undefined);
    assert.deepEqual(
      [of(result, FLOWROUTE.B)?.kind, of(result, FLOWROUTE.B)?.detail],
      ['not-showing', 'a CNAM dip shows no name (no CNAM data), not "BIRCH BAKERY"'],
    );
    assert.deepEqual(
      [of(result, TWILIO.T1)?.kind, of(result, TWILIO.T1)?.detail],
      ['not-showing', `a CNAM dip shows "WRONG NAME INC" (someone else's name), not "ACME PLUMBING"`],
    );
    assert.equal(of(result, TWILIO.T4), undefined);
    // Numbers with provider drift are not dipped (T2 expired, T5 renamed elsewhere, the released ones).
    const dips = (await (await fetch(`${tw}/__sandbox/lookup`)).json()) as { dips: Record<string, number> };
    for (const n of [TWILIO.T2, TWILIO.T5, TWILIO.T3, FLOWROUTE.D]) assert.equal(dips.dips[n] ?? 0, 0, n);
    assert.equal(result.dip, true);
  });
});
