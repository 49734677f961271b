/**
 * Renames, removals and adoptions through the HTTP API (`app.request`, no socket) against a real dev
 * server, worker and sandboxes; then read, and cancelled, through `/v1/provisions/{id}`. Each test
 * has numbers of its own; a number "showing a name" is set up in the Flowroute sandbox directly, as
 * Flowroute Manage would.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';
import { call, startStack, testApp, type Stack } from './stack';

const NUMBERS = ['12065550100', '12065550101', '12065550102', '12065550103', '12065550104', '12065550105'];

let stack: Stack;
let app: ReturnType<typeof testApp>['app'];

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 300, flowrouteNumbers: NUMBERS });
  ({ app } = testApp(stack));
});
after(() => stack?.close());

const FAST = { approvalPollInitial: '1s', approvalPollMax: '1s', associationWait: '1s' };
const WAITING = { approvalPollInitial: '1h', approvalPollMax: '2h', associationWait: '1s' };
const problemKeys = (body: { problems?: { field: string; rule: string }[] }) =>
  (body.problems ?? []).map((p) => `${p.field}:${p.rule}`).sort();

/** The number shows `name` at Flowroute: an approved record assigned to it. Returns the record id. */
function showsName(number: string, name: string): string {
  const { state } = stack.sandboxes.flowroute;
  const record = state.create(name.toUpperCase());
  state.approve(record.id);
  state.assign(state.number(number)!, record.id);
  return String(record.id);
}

async function ended(id: string) {
  return eventually(
    async () => {
      const res = await call(app, 'GET', `/v1/provisions/${id}`);
      return res.body.state !== 'running' ? res.body : undefined;
    },
    `${id} to end`,
    60_000,
  );
}

describe('POST /v1/renames, /v1/removals, /v1/adoptions', () => {
  test('a broken rule or field is 400 naming each, and nothing starts', async () => {
    const rename = await call(app, 'POST', '/v1/renames', {
      json: { provider: 'flowroute', number: '+12065550199', displayName: 'Seattle Police' },
    });
    assert.equal(rename.status, 400, rename.text);
    assert.deepEqual(problemKeys(rename.body), ['displayName:not-misleading']);
    const tollFree = await call(app, 'POST', '/v1/removals', { json: { provider: 'flowroute', number: '8005550100' } });
    assert.deepEqual([tollFree.status, problemKeys(tollFree.body)], [400, ['number:not-toll-free']]);
    const shape = await call(app, 'POST', '/v1/adoptions', {
      json: { provider: 'bandwidth', number: '+12065550199', displayName: 'Bob Law' },
    });
    assert.deepEqual(
      [shape.status, problemKeys(shape.body)],
      [400, ['displayName:unrecognized_keys', 'provider:invalid_value']],
    );
    // A Twilio-only field on a Flowroute rename, and a duration out of bounds.
    const fields = await call(app, 'POST', '/v1/renames', {
      json: {
        provider: 'flowroute',
        number: '+12065550199',
        displayName: 'Bob Law',
        notificationEmail: 'a@b.co',
        approvalPollInitial: '0s',
      },
    });
    assert.deepEqual(
      [fields.status, problemKeys(fields.body)],
      [400, ['approvalPollInitial:duration', 'notificationEmail:unrecognized_keys']],
    );
    for (const id of ['cnam-flowroute-12065550199', 'cnam-flowroute-18005550100'])
      assert.equal((await call(app, 'GET', `/v1/provisions/${id}`)).status, 404, `${id} was not started`);
  });

  test('a rename starts (201), again is 200; another operation meanwhile is 409 number-busy; GET reports it done', async () => {
    const oldId = showsName('12065550100', 'Old Name');
    const body = { provider: 'flowroute', number: '(206) 555-0100', displayName: 'New Name', ...FAST };
    const first = await call(app, 'POST', '/v1/renames', { json: body });
    assert.equal(first.status, 201, first.text);
    assert.deepEqual(
      { ...first.body, runId: typeof first.body.runId },
      {
        workflowId: 'cnam-flowroute-12065550100',
        runId: 'string',
        alreadyRunning: false,
        operation: 'rename',
        links: { self: '/v1/provisions/cnam-flowroute-12065550100' },
      },
    );
    assert.equal(first.headers.get('Location'), '/v1/provisions/cnam-flowroute-12065550100');
    const again = await call(app, 'POST', '/v1/renames', { json: body });
    assert.deepEqual([again.status, again.body.alreadyRunning, again.body.runId], [200, true, null]);
    const removal = await call(app, 'POST', '/v1/removals', {
      json: { provider: 'flowroute', number: '+12065550100' },
    });
    assert.deepEqual([removal.status, removal.body.error], [409, 'number-busy'], removal.text);
    assert.match(removal.body.message, /running a rename/);
    const provision = await call(app, 'POST', '/v1/provisions', {
      json: { provider: 'flowroute', number: '+12065550100', displayName: 'New Name' },
    });
    assert.deepEqual([provision.status, provision.body.error], [409, 'number-busy'], provision.text);

    const report = await ended('cnam-flowroute-12065550100');
    assert.equal(report.state, 'completed', JSON.stringify(report));
    assert.equal(report.status.operation, 'rename');
    assert.deepEqual(
      {
        operation: report.result.operation,
        displayName: report.result.displayName,
        previousDisplayName: report.result.previousDisplayName,
      },
      { operation: 'rename', displayName: 'NEW NAME', previousDisplayName: 'OLD NAME' },
    );
    const snapshot = stack.sandboxes.flowroute.snapshot();
    assert.equal(snapshot.assignments['12065550100'], report.result.resources.cnamRecordId);
    assert.ok(!snapshot.records.some((r) => r.id === oldId), 'the old record, unused now, is deleted');

    const cancel = await call(app, 'POST', '/v1/provisions/cnam-flowroute-12065550100/cancel');
    assert.deepEqual([cancel.status, cancel.body.error], [409, 'not-running']);
  });

  test('a rename while the number is being provisioned is 409 number-busy, naming the provisioning', async () => {
    const started = await call(app, 'POST', '/v1/provisions', {
      json: { provider: 'flowroute', number: '+12065550101', displayName: 'Lakeside Bagels', ...WAITING },
    });
    assert.equal(started.status, 201, started.text);
    const rename = await call(app, 'POST', '/v1/renames', {
      json: { provider: 'flowroute', number: '+12065550101', displayName: 'Cedar Clinic' },
    });
    assert.deepEqual([rename.status, rename.body.error], [409, 'number-busy'], rename.text);
    assert.match(rename.body.message, /running a provision/);
    await stack.client.workflow.getHandle('cnam-flowroute-12065550101').terminate('test over');
  });

  test('an adoption reads the name and creates nothing; a removal then takes it off and deletes the record', async () => {
    const recordId = showsName('12065550102', 'Harbor Books');
    const before = stack.sandboxes.flowroute.snapshot();
    const adopted = await call(app, 'POST', '/v1/adoptions', {
      json: { provider: 'flowroute', number: '+12065550102' },
    });
    assert.deepEqual([adopted.status, adopted.body.operation], [201, 'adopt'], adopted.text);
    const adoption = await ended(adopted.body.workflowId);
    assert.equal(adoption.state, 'completed', JSON.stringify(adoption));
    assert.equal(adoption.status.operation, 'adopt');
    assert.deepEqual([adoption.result.operation, adoption.result.displayName], ['adopt', 'HARBOR BOOKS']);
    assert.deepEqual(stack.sandboxes.flowroute.snapshot().writeCounts, before.writeCounts, 'adopt writes nothing');

    const removed = await call(app, 'POST', '/v1/removals', {
      json: { provider: 'flowroute', number: '+12065550102' },
    });
    assert.deepEqual([removed.status, removed.body.operation], [201, 'remove'], removed.text);
    const removal = await ended(removed.body.workflowId);
    assert.equal(removal.state, 'completed', JSON.stringify(removal));
    assert.deepEqual(
      [removal.result.operation, removal.result.displayName, removal.result.previousDisplayName],
      ['remove', null, 'HARBOR BOOKS'],
    );
    const after = stack.sandboxes.flowroute.snapshot();
    assert.equal(after.assignments['12065550102'], undefined, 'the number shows no name');
    assert.ok(!after.records.some((r) => r.id === recordId), 'the record no number uses is deleted');
  });
});

describe('POST /v1/provisions/{id}/cancel of a rename', () => {
  test('a second cancel is 409 already-cancelling while the first is being acted on', async () => {
    // No worker polls this queue: the run stays as the first cancel left it, however slow the machine.
    const { app: idle } = testApp({ client: stack.client, taskQueue: uniqueTaskQueue('idle') });
    const started = await call(idle, 'POST', '/v1/renames', {
      json: { provider: 'flowroute', number: '+12065550103', displayName: 'Maple Bakery' },
    });
    assert.equal(started.status, 201, started.text);
    const id = started.body.workflowId;
    const first = await call(app, 'POST', `/v1/provisions/${id}/cancel`);
    assert.deepEqual([first.status, first.body], [202, { workflowId: id, cancelRequested: true }]);
    const second = await call(app, 'POST', `/v1/provisions/${id}/cancel`);
    assert.deepEqual([second.status, second.body.error], [409, 'already-cancelling'], second.text);
    await stack.client.workflow.getHandle(id).terminate('test over');
    const afterEnd = await call(app, 'POST', `/v1/provisions/${id}/cancel`);
    assert.deepEqual([afterEnd.status, afterEnd.body.error], [409, 'not-running']);
  });

  test('a rename cancelled while awaiting approval undoes its record; GET lists each undo step', {
    timeout: 240_000,
  }, async () => {
    showsName('12065550104', 'Summit Dental');
    const started = await call(app, 'POST', '/v1/renames', {
      json: { provider: 'flowroute', number: '+12065550104', displayName: 'Summit Clinic', ...WAITING },
    });
    assert.equal(started.status, 201, started.text);
    const id = started.body.workflowId;
    const waiting = await eventually(async () => {
      const body = (await call(app, 'GET', `/v1/provisions/${id}`)).body;
      return body.status?.step === 'awaiting-approval' && body.status.recordId ? body : undefined;
    }, 'the rename awaiting approval');
    const newRecord = waiting.status.recordId;
    assert.equal((await call(app, 'POST', `/v1/provisions/${id}/cancel`)).status, 202);
    // Undoing takes a while (it looks again for a late write before it ends): a second cancel is refused meanwhile.
    const second = await call(app, 'POST', `/v1/provisions/${id}/cancel`);
    assert.deepEqual([second.status, second.body.error], [409, 'already-cancelling'], second.text);
    const report = await eventually(
      async () => {
        const body = (await call(app, 'GET', `/v1/provisions/${id}`)).body;
        return body.state !== 'running' ? body : undefined;
      },
      'the cancelled rename to end',
      200_000,
    );
    assert.equal(report.state, 'cancelled');
    assert.equal(report.status.operation, 'rename');
    assert.ok(report.status.undo.length > 0, JSON.stringify(report.status));
    assert.ok(
      report.status.undo.some(
        (u: { step: string; outcome: string; detail: string }) =>
          u.outcome === 'undone' && `${u.step} ${u.detail}`.includes(newRecord),
      ),
      JSON.stringify(report.status.undo),
    );
    const snapshot = stack.sandboxes.flowroute.snapshot();
    assert.ok(!snapshot.records.some((r) => r.id === newRecord), 'the new record is deleted');
    assert.equal(
      snapshot.records.find((r) => r.value === 'SUMMIT DENTAL')?.id,
      snapshot.assignments['12065550104'],
      'the old name still shows',
    );
  });
});

describe('the OpenAPI document', () => {
  test('lists the three routes with their answers, and the 409 codes', async () => {
    const doc = (await call(app, 'GET', '/openapi.json', { token: null })).body;
    for (const path of ['/v1/renames', '/v1/removals', '/v1/adoptions'])
      assert.deepEqual(
        Object.keys(doc.paths[path].post.responses).sort(),
        ['200', '201', '400', '401', '409', '413', '415', '503'],
        path,
      );
    assert.deepEqual(doc.components.schemas.NotRunningError.properties.error.enum.sort(), [
      'already-cancelling',
      'not-retryable',
      'not-running',
      'number-busy',
    ]);
    assert.ok(doc.components.schemas.FlowrouteRename && doc.components.schemas.TwilioRename);
    assert.ok(doc.components.schemas.ProvisionStatus.properties.undo);
  });
});
