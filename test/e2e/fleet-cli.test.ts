/**
 * End to end on a real `temporal server start-dev`: `cnam fleet apply` reads a CSV, prints the plan,
 * starts one fleet and follows it to the end; `status` and `report` read it back; applying the same
 * file again starts nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_BUSINESS_PROFILE_SID } from '../../dev/sandbox/twilio';
import { runCnam } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';

let stack: Stack;
let cliEnv: Record<string, string>;
let file: string;

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 500, twilioDecisionDelayMs: 500 }, { queuePrefix: 'fleet' });
  cliEnv = {
    TEMPORAL_ADDRESS: stack.server.address,
    CNAM_TASK_QUEUE: stack.taskQueue,
    TEMPORAL_UI_URL: 'http://ui.test:8233',
  };
  const fast = 'approvalPollInitial,approvalPollMax,associationWait,reviewPollInitial,reviewPollMax,propagationWait';
  const flowroute = (n: string, name: string) => `flowroute,${n},${name},,,1s,2s,2s,,,`;
  file = join(mkdtempSync(join(tmpdir(), 'cnam-fleet-')), 'numbers.csv');
  writeFileSync(
    file,
    [
      `provider,number,displayName,businessProfileSid,notificationEmail,${fast}`,
      flowroute('+12065550100', 'Harbor Dental'),
      flowroute('206-555-0102', 'Harbor Dental'),
      flowroute('+13125550100', 'Lakeside Books'),
      `twilio,+12065550103,Blue Harbor,${DEFAULT_BUSINESS_PROFILE_SID},ops@example.com,,,,1s,2s,2s`,
      flowroute('+18005550100', 'Toll Free'),
    ].join('\n'),
  );
});

after(async () => {
  await stack?.close();
});

describe('cnam fleet on a real dev server', () => {
  test('apply: the plan, then the fleet followed to the end; a refused row makes the exit code 1', async () => {
    const run = await runCnam(['fleet', 'apply', '-f', file], cliEnv);
    assert.equal(run.code, 1, `one row was refused: ${run.stderr}`);
    assert.match(run.stdout, /5 rows, 4 numbers to run in 3 groups, 0 already done, 1 refused/);
    assert.match(run.stdout, /Flowroute "Harbor Dental": 2 numbers \(lines 2-3\), creates it/);
    assert.match(run.stdout, /refused: line 6 \+18005550100: number \(not-toll-free\)/);
    assert.match(run.stdout, /: completed: 4 of 4 done$/m);
    const snapshot = stack.sandboxes.flowroute.snapshot();
    assert.equal(snapshot.records.length, 2, 'one record per name');
    assert.equal(snapshot.assignments['12065550100'], snapshot.assignments['12065550102']);
    assert.equal(stack.sandboxes.twilio.state.trustProducts.size, 1);
  });

  test('applying the same file again finds the same fleet; status and report read it', async () => {
    const again = await runCnam(['fleet', 'apply', '-f', file, '--detach', '--json'], cliEnv);
    const out = JSON.parse(again.stdout);
    const fleetId = out.fleetId as string;
    assert.match(fleetId, /^cnam-fleet-[0-9a-f]{16}$/);
    assert.deepEqual(
      [out.started, out.alreadyDone],
      [false, 4],
      'every number was done by the first run: nothing starts',
    );
    // The plan read the providers through the worker: every number already shows its name.
    assert.equal(out.plan.providerState.read, true, out.plan.providerState.note);
    assert.deepEqual(
      out.plan.alreadyDone.map((d: { line: number }) => d.line),
      [2, 3, 4, 5],
    );
    assert.equal(stack.sandboxes.flowroute.snapshot().writeCounts['POST /v2/cnams'], 2);

    const status = await runCnam(['fleet', 'status', fleetId, '--no-follow', '--json'], cliEnv);
    assert.equal(status.code, 0, status.stderr);
    assert.equal(JSON.parse(status.stdout).fleetId, fleetId);

    const report = await runCnam(['fleet', 'report', fleetId], cliEnv);
    assert.equal(report.code, 0, report.stderr);
    const lines = report.stdout.trim().split('\n');
    assert.equal(lines[0], 'line,provider,number,state,workflowId,failure,note');
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',').slice(0, 4).join(',')),
      [
        '2,flowroute,+12065550100,done',
        '3,flowroute,+12065550102,done',
        '4,flowroute,+13125550100,done',
        '5,twilio,+12065550103,done',
      ],
    );
  });
});
