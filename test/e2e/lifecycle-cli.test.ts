/**
 * End to end on a real `temporal server start-dev`: the `cnam` executable adopts, renames, removes
 * and cancels at the Flowroute sandbox, with a worker carrying the runs out over HTTP. A number
 * "showing a name" is set up in the sandbox directly, as Flowroute Manage would.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getStatus } from '../../src/core/workflow/messages';
import { runCnam } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';
import { eventually } from '../helpers/temporal';

const NUMBERS = ['12065550100', '12065550101', '12065550102', '12065550103'];

let stack: Stack;
let cliEnv: Record<string, string>;

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 300, flowrouteNumbers: NUMBERS }, { queuePrefix: 'e2e-life' });
  cliEnv = {
    TEMPORAL_ADDRESS: stack.server.address,
    CNAM_TASK_QUEUE: stack.taskQueue,
    TEMPORAL_UI_URL: 'http://ui.test:8233',
  };
});
after(() => stack?.close());

const FAST = ['--poll-initial', '1s', '--poll-max', '1s', '--association-wait', '2s'];

/** The number shows `name` at Flowroute: an approved record assigned to it. Returns the record id. */
function showsName(number: string, name: string): string {
  const { state } = stack.sandboxes.flowroute;
  const record = state.create(name.toUpperCase());
  state.approve(record.id);
  state.assign(state.number(number)!, record.id);
  return String(record.id);
}

const flowroute = (number: string) => ['--provider', 'flowroute', '--number', number];

describe('cnam adopt, rename, remove', () => {
  test('adopt, then rename, then remove a number with --wait: exit 0 each, and Flowroute shows each change', async () => {
    const oldId = showsName('12065550100', 'Old Name');
    const writes = stack.sandboxes.flowroute.snapshot().writeCounts;
    const adopt = await runCnam(['adopt', ...flowroute('+12065550100'), '--wait', '--json'], cliEnv);
    assert.equal(adopt.code, 0, adopt.stderr);
    const adopted = JSON.parse(adopt.stdout);
    assert.deepEqual(
      [adopted.workflowId, adopted.operation, adopted.state, adopted.result.displayName],
      ['cnam-flowroute-12065550100', 'adopt', 'completed', 'OLD NAME'],
    );
    assert.deepEqual(stack.sandboxes.flowroute.snapshot().writeCounts, writes, 'adopt creates nothing');

    const rename = await runCnam(
      ['rename', ...flowroute('(206) 555-0100'), '--name', 'New Name', '--wait', '--json', ...FAST],
      cliEnv,
    );
    assert.equal(rename.code, 0, rename.stderr);
    const renamed = JSON.parse(rename.stdout);
    assert.equal(renamed.state, 'completed');
    assert.deepEqual([renamed.result.displayName, renamed.result.previousDisplayName], ['NEW NAME', 'OLD NAME']);
    assert.match(rename.stderr, /awaiting-approval/, 'progress is shown while waiting');
    const afterRename = stack.sandboxes.flowroute.snapshot();
    assert.equal(afterRename.assignments['12065550100'], renamed.result.resources.cnamRecordId);
    assert.ok(!afterRename.records.some((r) => r.id === oldId), 'the old record is deleted');

    const remove = await runCnam(['remove', ...flowroute('+12065550100'), '--wait'], cliEnv);
    assert.equal(remove.code, 0, remove.stderr);
    assert.match(remove.stdout, /^Started remove: cnam-flowroute-12065550100$/m);
    assert.match(remove.stdout, /cnam-flowroute-12065550100: completed \(remove, step: completed/);
    assert.equal(stack.sandboxes.flowroute.snapshot().assignments['12065550100'], undefined, 'no name shows');
  });

  test('a broken rule or another run on the number exits 1 and starts nothing; a usage error exits 2', async () => {
    const police = await runCnam(['rename', ...flowroute('+12065550101'), '--name', 'Seattle Police'], cliEnv);
    assert.equal(police.code, 1);
    assert.match(police.stderr, /displayName \(not-misleading\)/);
    for (const args of [
      ['rename', ...flowroute('+12065550101')],
      ['rename', '--provider', 'bandwidth', '--number', '+12065550101', '--name', 'Bob Law'],
      ['rename', ...flowroute('+12065550101'), '--name', 'Bob Law', '--review-timeout', '3d'],
      ['rename', ...flowroute('+12065550101'), '--name', 'Bob Law', '--poll-initial', 'soon'],
      ['remove', '--number', '+12065550101'],
    ]) {
      const run = await runCnam(args, cliEnv);
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    }
    const none = await stack.client.workflow
      .getHandle('cnam-flowroute-12065550101')
      .describe()
      .catch(() => null);
    assert.equal(none, null, 'nothing was started');

    // The number's provisioning still waits for approval: a rename of it is refused, naming it.
    const provision = await runCnam(
      ['provision', 'flowroute', '--number', '+12065550101', '--name', 'Lakeside Bagels', '--poll-initial', '1h'],
      cliEnv,
    );
    assert.equal(provision.code, 0, provision.stderr);
    const busy = await runCnam(['rename', ...flowroute('+12065550101'), '--name', 'Cedar Clinic', '--json'], cliEnv);
    assert.equal(busy.code, 1, busy.stderr);
    assert.deepEqual(JSON.parse(busy.stdout), {
      error: 'number-busy',
      workflowId: 'cnam-flowroute-12065550101',
      runningOperation: 'provision',
    });
    await stack.client.workflow.getHandle('cnam-flowroute-12065550101').terminate('test over');

    // Adopting a number that shows no name fails, with Flowroute's state in a sentence.
    const adopt = await runCnam(['adopt', ...flowroute('+12065550102'), '--wait'], cliEnv);
    assert.equal(adopt.code, 1, adopt.stdout);
    assert.match(adopt.stdout, /Failure: .*shows no CNAM/);
  });
});

describe('cnam cancel', () => {
  test('cancel --wait undoes a rename and prints each undo step; a second cancel exits 1, as after the end', {
    timeout: 300_000,
  }, async () => {
    showsName('12065550103', 'Summit Dental');
    const start = await runCnam(
      ['rename', ...flowroute('+12065550103'), '--name', 'Summit Clinic', '--json', '--poll-initial', '1h'],
      cliEnv,
    );
    assert.equal(start.code, 0, start.stderr);
    const { workflowId } = JSON.parse(start.stdout);
    const handle = stack.client.workflow.getHandle(workflowId);
    await eventually(async () => (await handle.query(getStatus)).step === 'awaiting-approval', 'awaiting approval');

    const first = runCnam(['cancel', workflowId, '--wait'], cliEnv, 280_000);
    // Undoing takes a while (it looks again for a late write before it ends): meanwhile a second cancel is refused.
    await eventually(async () => (await handle.query(getStatus)).step === 'undoing', 'undoing', 60_000);
    const second = await runCnam(['cancel', workflowId], cliEnv);
    assert.equal(second.code, 1, second.stdout);
    assert.match(second.stderr, /a cancel of cnam-flowroute-12065550103 was already requested/);

    const waited = await first;
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, /cnam-flowroute-12065550103: cancelled \(rename, step: cancelled/);
    assert.match(waited.stdout, /^ {2}undo:\n {4}undone {2}.*(SUMMIT CLINIC|Summit Clinic)/m);
    const snapshot = stack.sandboxes.flowroute.snapshot();
    assert.ok(!snapshot.records.some((r) => r.value === 'SUMMIT CLINIC'), 'the new record is deleted');

    const ended = await runCnam(['cancel', workflowId, '--json'], cliEnv);
    assert.equal(ended.code, 1);
    assert.equal(JSON.parse(ended.stdout).error, 'not-running');
    const unknown = await runCnam(['cancel', 'cnam-flowroute-19999999999'], cliEnv);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No run with id cnam-flowroute-19999999999/);
  });
});
