/** The typed Node client on a real dev server: the same validation as the API, typed results and failures. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  createCnamClient,
  failureMessage,
  FleetNotRetryableError,
  InvalidRequestError,
  type CnamClient,
} from '../../src/client';
import { eventually } from '../helpers/temporal';
import { startStack, type Stack } from './stack';

let stack: Stack;
let cnam: CnamClient;

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 0, twilioDecisionDelayMs: 0 });
  cnam = createCnamClient({ client: stack.client, taskQueue: stack.taskQueue });
});
after(() => stack?.close());

const FAST = { approvalPollInitial: '1s', approvalPollMax: '2s', associationWait: '1s' } as const;

describe('createCnamClient', () => {
  test('start, status, list and result for a Flowroute provisioning', { timeout: 60_000 }, async () => {
    const started = await cnam.start({
      provider: 'flowroute',
      number: '206.555.0100',
      displayName: 'Bob Law',
      ...FAST,
    });
    assert.deepEqual([started.workflowId, started.alreadyRunning], ['cnam-flowroute-12065550100', false]);
    assert.equal(
      (await cnam.start({ provider: 'flowroute', number: '+12065550100', displayName: 'Bob Law', ...FAST }))
        .alreadyRunning,
      true,
    );
    const status = await cnam.status(started.workflowId);
    assert.equal(status.state, 'running');

    const result = await cnam.result(started.workflowId);
    assert.equal(result.provider, 'flowroute');
    assert.equal(result.provider === 'flowroute' && result.displayName, 'BOB LAW');
    assert.equal(
      stack.sandboxes.flowroute.snapshot().assignments['12065550100'],
      result.provider === 'flowroute' ? result.cnamRecordId : null,
    );
    assert.equal((await cnam.status(started.workflowId)).state, 'completed');

    const listed = await eventually(async () => {
      const found = await cnam.list({ provider: 'flowroute', state: 'completed', number: '+12065550100' });
      return found.length > 0 ? found : undefined;
    }, 'the completed provisioning in visibility');
    assert.deepEqual(
      listed.map((p) => [p.workflowId, p.state]),
      [['cnam-flowroute-12065550100', 'completed']],
    );
  });

  test('a Twilio provisioning returns its typed result', { timeout: 60_000 }, async () => {
    const started = await cnam.start({
      provider: 'twilio',
      phoneNumber: '+12065550103',
      businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
      displayName: 'ACME PLUMBING',
      notificationEmail: 'ops@example.com',
      reviewPollInitial: '1s',
      reviewPollMax: '2s',
      propagationWait: '1s',
    });
    const result = await cnam.result(started.workflowId);
    assert.ok(result.provider === 'twilio');
    assert.equal(stack.sandboxes.twilio.state.trustProducts.get(result.trustProductSid)?.status, 'twilio-approved');
  });

  test('result throws the failure of a failed provisioning', { timeout: 60_000 }, async () => {
    // A valid US number that is not on the sandbox account: Flowroute answers 404 at assignment.
    const { workflowId } = await cnam.start({
      provider: 'flowroute',
      number: '+12065550199',
      displayName: 'Harbor Books',
      ...FAST,
    });
    const err = await cnam.result(workflowId).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, String(err));
    assert.match(failureMessage(err), /Flowroute 404/);
  });

  test('the same validation as the API: InvalidRequestError naming fields and rules, before anything starts', async () => {
    const bad = {
      provider: 'flowroute',
      number: '+12065550101',
      displayName: 'Seattle Police',
      approvalTimeout: 'later',
    } as const;
    const err = await cnam.start(bad as never).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof InvalidRequestError);
    assert.deepEqual(
      err.problems.map((p) => `${p.field}:${p.rule}`),
      ['approvalTimeout:duration'],
    );
    const huge = await cnam
      .start({
        provider: 'flowroute',
        number: '+12065550101',
        displayName: 'Bob Law',
        approvalPollMax: '999999999d',
        associationWait: 0,
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(huge instanceof InvalidRequestError);
    assert.deepEqual(
      huge.problems.map((p) => `${p.field}:${p.rule}`),
      ['approvalPollMax:duration', 'associationWait:duration'],
    );
    assert.match(huge.message, /between 1s and 7d/);
    const rules = await cnam
      .start({ provider: 'flowroute', number: '+12065550101', displayName: 'Seattle Police' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(rules instanceof InvalidRequestError);
    assert.deepEqual(
      rules.problems.map((p) => `${p.field}:${p.rule}`),
      ['displayName:not-misleading'],
    );
    await assert.rejects(cnam.status('cnam-flowroute-12065550101'), WorkflowNotFoundError);
    await assert.rejects(cnam.list({ state: 'sleeping' as never }), InvalidRequestError);
  });
});

describe('createCnamClient: fleets', () => {
  // Numbers of the sandbox account no other test here provisions; line 4 is refused (toll-free).
  const rows = [
    { provider: 'flowroute', number: '+12065550101', displayName: 'Cedar Clinic', ...FAST },
    { provider: 'flowroute', number: '206 555 0102', displayName: 'Cedar Clinic', ...FAST },
    { provider: 'flowroute', number: 13125550100, displayName: 'Summit Dental', ...FAST },
    { provider: 'flowroute', number: '+18005550100', displayName: 'Toll Free' },
  ];

  test('applyFleet plans (dry run), starts, and starts nothing again; fleetStatus and fleetNumbers read it', {
    timeout: 60_000,
  }, async () => {
    const dry = await cnam.applyFleet(rows, { dryRun: true });
    assert.ok(dry.dryRun);
    assert.deepEqual(
      dry.plan.groups.map((g) => [g.workflowId, g.numbers.map((n) => n.line)]),
      [
        ['cnam-flowroute-12065550101', [1, 2]],
        ['cnam-flowroute-13125550100', [3]],
      ],
    );
    assert.deepEqual(
      dry.plan.refused.map((r) => r.line),
      [4],
    );
    await assert.rejects(cnam.fleetStatus(dry.fleetId), WorkflowNotFoundError);

    const applied = await cnam.applyFleet(rows, { maxConcurrentGroups: 1 });
    assert.ok(!applied.dryRun);
    assert.deepEqual([applied.fleetId, applied.started, applied.alreadyRunning], [dry.fleetId, true, false]);
    const report = await eventually(
      async () => {
        const r = await cnam.fleetStatus(applied.fleetId);
        return r.state === 'running' ? undefined : r;
      },
      'the fleet to end',
      45_000,
    );
    assert.deepEqual([report.state, report.status?.summary], ['completed', '3 of 3 done']);
    assert.equal((report.status as { numbers?: unknown } | null)?.numbers, undefined);

    const first = await cnam.fleetNumbers(applied.fleetId, { limit: 2 });
    assert.deepEqual([first.total, first.numbers.length], [3, 2]);
    assert.ok(first.nextCursor);
    const second = await cnam.fleetNumbers(applied.fleetId, { limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      [...first.numbers, ...second.numbers].map((n) => `${n.line} ${n.number} ${n.state}`),
      ['1 +12065550101 done', '2 +12065550102 done', '3 +13125550100 done'],
    );
    assert.equal(second.nextCursor, null);

    const again = await cnam.applyFleet(rows);
    assert.ok(!again.dryRun);
    assert.deepEqual([again.started, again.alreadyRunning, again.alreadyDone], [false, false, 3]);
    await assert.rejects(cnam.retryFleet(applied.fleetId), FleetNotRetryableError, 'no number failed');
    await assert.rejects(cnam.retryFleet('cnam-fleet-nothing-here'), WorkflowNotFoundError);
  });

  test('the same validation as the API: InvalidRequestError by row line, WorkflowNotFoundError for an unknown fleet', async () => {
    const rejection = (promise: Promise<unknown>) =>
      promise.then(
        () => null,
        (e: unknown) => e,
      );
    const refused = await rejection(cnam.applyFleet([rows[3]!]));
    assert.ok(refused instanceof InvalidRequestError, String(refused));
    assert.deepEqual(
      refused.problems.map((p) => `${p.field}:${p.rule}`),
      ['rows.1.number:not-toll-free'],
    );
    const malformed = await rejection(
      cnam.applyFleet([rows[0]!, { provider: 'flowroute', number: '+12065550100' } as never], { fleetId: 'Fleet' }),
    );
    assert.ok(malformed instanceof InvalidRequestError);
    assert.deepEqual(malformed.problems.map((p) => `${p.field}:${p.rule}`).sort(), [
      'fleetId:invalid_format',
      'rows.2.displayName:invalid_union',
    ]);
    await assert.rejects(cnam.fleetNumbers('cnam-fleet-none', { cursor: 'nope' }), InvalidRequestError);
    await assert.rejects(cnam.fleetNumbers('cnam-fleet-none', { limit: 0 }), InvalidRequestError);
    await assert.rejects(cnam.fleetStatus('cnam-flowroute-12065550101'), InvalidRequestError);
    await assert.rejects(cnam.fleetStatus('cnam-fleet-none'), WorkflowNotFoundError);
    await assert.rejects(cnam.fleetNumbers('cnam-fleet-none'), WorkflowNotFoundError);
  });
});
