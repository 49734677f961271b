/**
 * End to end on a real `temporal server start-dev` with the sandboxes and a worker: the `cnam watch`
 * commands (schedule enabled, listed, run, reported, disabled, with their exit codes), `GET /v1/watch`
 * and `POST /v1/watch/runs`, and the typed client's watch methods.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createCnamClient, WatchNotEnabledError } from '../../src/client';
import { prepareStart } from '../../src/app/schemas';
import { startProvision } from '../../src/app/start';
import { call, testApp } from '../api/stack';
import { runCnam } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';

const NUMBER = '+12065550300';

let stack: Stack;
let cliEnv: Record<string, string>;

before(async () => {
  stack = await startStack(
    { flowrouteApprovalDelayMs: 200, flowrouteNumbers: [NUMBER.slice(1)] },
    { queuePrefix: 'e2e-watch' },
  );
  cliEnv = { TEMPORAL_ADDRESS: stack.server.address, CNAM_TASK_QUEUE: stack.taskQueue };
});
after(async () => {
  // The schedule outlives the test otherwise (the server is stopped anyway; this keeps it tidy).
  await runCnam(['watch', 'disable'], cliEnv);
  await stack?.close();
});

const watch = (...args: string[]) => runCnam(['watch', ...args], cliEnv);

describe('cnam watch', () => {
  test('enable, list, run --wait, report, disable: exit codes and messages', { timeout: 400_000 }, async () => {
    const none = await watch('report');
    assert.equal(none.code, 3, none.stderr);
    assert.match(none.stderr, /No reconciliation has completed yet: run one with `cnam watch run --wait`/);
    const noSchedule = await watch('run', '--json');
    assert.equal(noSchedule.code, 1);
    assert.equal(JSON.parse(noSchedule.stdout).error, 'not-enabled');
    const emptyList = await watch('list');
    assert.equal(emptyList.code, 0, emptyList.stderr);
    assert.match(emptyList.stdout, /^No watch schedule\. Enable one with: cnam watch enable$/m);
    const badEvery = await watch('enable', '--every', '10s');
    assert.equal(badEvery.code, 2);
    assert.match(badEvery.stderr, /--every: every must be a duration between 1m and 30d/);

    const enabled = await watch('enable');
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match(enabled.stdout, /^Enabled the watch schedule:\ncnam-watch: every 1d \(report only\), overlap SKIP$/m);
    const updated = await watch('enable', '--every', '12h', '--json');
    assert.equal(updated.code, 0, updated.stderr);
    const doc = JSON.parse(updated.stdout);
    assert.deepEqual(
      [doc.created, doc.schedule.every, doc.schedule.everyMs, doc.schedule.repair, doc.schedule.taskQueue],
      [false, '12h', 43_200_000, false, stack.taskQueue],
    );
    const listed = await watch('list');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^cnam-watch: every 12h \(report only\), overlap SKIP$/m);
    assert.match(listed.stdout, /next runs: \d{4}-/);
    assert.match(listed.stdout, /recent runs: none yet/);

    // One number provisioned to completion: nothing drifted.
    const { workflowId } = await startProvision(
      stack.client,
      stack.taskQueue,
      prepareStart({
        provider: 'flowroute',
        number: NUMBER,
        displayName: 'Fir Florist',
        approvalPollInitial: '1s',
        approvalPollMax: '1s',
        associationWait: '1s',
        verifyFor: 0,
      }),
    );
    const provisioned = (await stack.client.workflow.getHandle(workflowId).result()) as { cnamRecordId: string };
    const clean = await watch('run', '--wait');
    assert.equal(clean.code, 0, clean.stderr + clean.stdout);
    assert.match(clean.stderr, /^Started reconciliation cnam-watch-run-\S+; waiting for it to end\.$/m);
    assert.match(clean.stdout, /: 1 numbers checked, 1 ok, 0 drifted$/m);
    const cleanReport = await watch('report');
    assert.equal(cleanReport.code, 0, cleanReport.stderr);

    // Someone takes the name off in Flowroute's portal: drift, exit 1 from run --wait and from report.
    const res = await fetch(`${stack.sandboxes.flowroute.url}/__sandbox/numbers/${NUMBER.slice(1)}/cnam`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ cnamId: null }),
    });
    assert.equal(res.status, 200);
    const drifted = await watch('run', '--wait', '--json');
    assert.equal(drifted.code, 1, drifted.stderr);
    const run = JSON.parse(drifted.stdout);
    assert.deepEqual(
      run.result.drift.map((d: { number: string; kind: string }) => [d.number, d.kind]),
      [[NUMBER, 'name-removed']],
    );
    const report = await watch('report');
    assert.equal(report.code, 1, report.stderr);
    assert.match(report.stdout, new RegExp(`^Reconciliation ${run.workflowId} \\(checked `, 'm'));
    assert.match(
      report.stdout,
      new RegExp(
        `^ {2}flowroute \\${NUMBER} "FIR FLORIST": name-removed: \\${NUMBER} carries no CNAM \\(record ${provisioned.cnamRecordId} still exists\\)$`,
        'm',
      ),
    );
    const reportJson = JSON.parse((await watch('report', '--json')).stdout);
    assert.equal(reportJson.workflowId, run.workflowId);
    const after = await watch('list');
    assert.match(
      after.stdout,
      /recent runs:\n {4}\S+ {2}completed {2}cnam-watch-run-\S+\n {4}\S+ {2}completed {2}cnam-watch-run-/,
    );

    // The API and the typed client see the same.
    const { app } = testApp(stack);
    const state = await call(app, 'GET', '/v1/watch');
    assert.equal(state.status, 200, state.text);
    assert.deepEqual(
      [state.body.schedule.scheduleId, state.body.report.workflowId, state.body.report.result.drift[0].kind],
      ['cnam-watch', run.workflowId, 'name-removed'],
    );
    const triggered = await call(app, 'POST', '/v1/watch/runs');
    assert.equal(triggered.status, 202, triggered.text);
    assert.match(triggered.body.workflowId, /^cnam-watch-run-/);
    const cnam = createCnamClient({ client: stack.client, taskQueue: stack.taskQueue });
    await stack.client.workflow.getHandle(triggered.body.workflowId).result();
    assert.equal((await cnam.watchReport()).schedule?.every, '12h');

    const disabled = await watch('disable');
    assert.equal(disabled.code, 0, disabled.stderr);
    assert.match(disabled.stdout, /^Disabled: the watch schedule is deleted\.$/m);
    const gone = await watch('list');
    assert.match(gone.stdout, /^No watch schedule\. Enable one with: cnam watch enable$/m);
    assert.match((await watch('disable')).stdout, /^No watch schedule to disable\.$/m);
    const notFound = await call(app, 'POST', '/v1/watch/runs');
    assert.deepEqual([notFound.status, notFound.body.error], [404, 'not-found']);
    await assert.rejects(cnam.runWatch(), WatchNotEnabledError);
    assert.equal((await call(app, 'GET', '/v1/watch')).body.schedule, null);
  });

  test('--help documents the exit codes and the drift kinds', async () => {
    const help = await watch('report', '--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /0 no drift, 1 drift found/);
    assert.match(help.stdout, /3 no reconciliation has completed yet/);
    assert.match(help.stdout, /product-expired/);
  });
});
