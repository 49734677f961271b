/** The typed Node client on a real dev server: the same validation as the API, typed results and failures. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  AlreadyCancellingError,
  createCnamClient,
  failureMessage,
  FleetNotRetryableError,
  InvalidRequestError,
  NumberBusyError,
  ProvisionNotRunningError,
  type CnamClient,
  type LifecycleResult,
} from '../../src/client';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';
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
    // A provisioning's result has no `operation` (a rename's, removal's or adoption's has).
    assert.ok(result.provider === 'flowroute' && !('operation' in result));
    assert.equal(result.displayName, 'BOB LAW');
    assert.equal(stack.sandboxes.flowroute.snapshot().assignments['12065550100'], result.cnamRecordId);
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
    assert.ok(result.provider === 'twilio' && !('operation' in result));
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

describe('createCnamClient: rename, remove, adopt, cancel', () => {
  const lifecycleResult = async (workflowId: string): Promise<LifecycleResult> => {
    const result = await cnam.result(workflowId);
    assert.ok('operation' in result, JSON.stringify(result));
    return result;
  };

  test('adopt, rename and remove the number the first test provisioned; another operation meanwhile is NumberBusyError', {
    timeout: 60_000,
  }, async () => {
    const adopted = await cnam.adopt({ provider: 'flowroute', number: '+12065550100' });
    assert.deepEqual([adopted.workflowId, adopted.operation], ['cnam-flowroute-12065550100', 'adopt']);
    assert.equal((await lifecycleResult(adopted.workflowId)).displayName, 'BOB LAW');

    const renamed = await cnam.rename({
      provider: 'flowroute',
      number: '206-555-0100',
      displayName: 'Bob Law Firm',
      ...FAST,
    });
    assert.deepEqual([renamed.operation, renamed.alreadyRunning], ['rename', false]);
    const again = await cnam.rename({
      provider: 'flowroute',
      number: '+12065550100',
      displayName: 'Bob Law Firm',
      ...FAST,
    });
    assert.deepEqual([again.alreadyRunning, again.runId], [true, undefined]);
    const busy = await cnam.remove({ provider: 'flowroute', number: '+12065550100' }).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(busy instanceof NumberBusyError, String(busy));
    assert.deepEqual([busy.workflowId, busy.runningOperation], ['cnam-flowroute-12065550100', 'rename']);
    const result = await lifecycleResult(renamed.workflowId);
    assert.deepEqual([result.displayName, result.previousDisplayName], ['BOB LAW FIRM', 'BOB LAW']);
    assert.equal((await cnam.status(renamed.workflowId)).status?.operation, 'rename');

    const removed = await cnam.remove({ provider: 'flowroute', number: '+12065550100' });
    const gone = await lifecycleResult(removed.workflowId);
    assert.deepEqual([gone.operation, gone.displayName, gone.previousDisplayName], ['remove', null, 'BOB LAW FIRM']);
    assert.equal(stack.sandboxes.flowroute.snapshot().assignments['12065550100'], undefined);
  });

  test('InvalidRequestError names every broken rule, before anything starts', async () => {
    const err = await cnam
      .rename({ provider: 'flowroute', number: '+18005550100', displayName: 'Seattle Police', colour: 'red' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    assert.ok(err instanceof InvalidRequestError, String(err));
    assert.deepEqual(err.problems.map((p) => `${p.field}:${p.rule}`).sort(), [
      'colour:unrecognized_keys',
      'displayName:not-misleading',
      'number:not-toll-free',
    ]);
    await assert.rejects(cnam.adopt({ provider: 'bandwidth' as never, number: '+12065550101' }), InvalidRequestError);
    await assert.rejects(cnam.status('cnam-flowroute-18005550100'), WorkflowNotFoundError);
  });

  test('cancel twice is AlreadyCancellingError; after the end ProvisionNotRunningError', async () => {
    // No worker polls this queue: the run stays as the first cancel left it.
    const idle = createCnamClient({ client: stack.client, taskQueue: uniqueTaskQueue('idle') });
    const { workflowId } = await idle.rename({
      provider: 'flowroute',
      number: '+12065550199',
      displayName: 'Maple Bakery',
    });
    await cnam.cancel(workflowId);
    await assert.rejects(cnam.cancel(workflowId), AlreadyCancellingError);
    await stack.client.workflow.getHandle(workflowId).terminate('test over');
    await assert.rejects(cnam.cancel(workflowId), ProvisionNotRunningError);
  });
});
