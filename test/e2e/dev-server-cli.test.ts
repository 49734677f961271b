/**
 * End to end on a real `temporal server start-dev`: the `cnam` executable starts and follows
 * a Flowroute provisioning that a worker carries out against the sandbox over HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Client } from '@temporalio/client';
import type { RunningSandboxes } from '../../dev/sandbox/start';
import { temporalCliPath } from '../../dev/temporal/binaries';
import type { RunningDevServer } from '../../dev/temporal/dev-server';
import { getStatus } from '../../src/core/workflow/messages';
import { runCnam } from '../helpers/cli';
import { startStack, type Stack } from '../helpers/stack';
import { eventually } from '../helpers/temporal';

let stack: Stack;
let server: RunningDevServer;
let sandboxes: RunningSandboxes;
let client: Client;
let cliEnv: Record<string, string>;

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 500, twilioDecisionDelayMs: 500 }, { queuePrefix: 'e2e' });
  ({ server, sandboxes, client } = stack);
  cliEnv = {
    TEMPORAL_ADDRESS: server.address,
    CNAM_TASK_QUEUE: stack.taskQueue,
    TEMPORAL_UI_URL: 'http://ui.test:8233',
  };
});

after(async () => {
  await stack?.close();
});

const FAST = ['--poll-initial', '1s', '--poll-max', '2s', '--association-wait', '3s'];

describe('cnam on a real dev server', () => {
  test('provision --wait completes and status shows every step', async () => {
    const run = await runCnam(
      ['provision', 'flowroute', '--number', '(206) 555-0101', '--name', 'Pacific Dental', '--wait', '--json', ...FAST],
      cliEnv,
    );
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.workflowId, 'cnam-flowroute-12065550101');
    assert.equal(out.webUi, 'http://ui.test:8233/namespaces/default/workflows/cnam-flowroute-12065550101');
    assert.equal(out.state, 'completed');
    assert.equal(out.result.displayName, 'PACIFIC DENTAL');
    assert.equal(sandboxes.flowroute.snapshot().assignments['12065550101'], out.result.cnamRecordId);
    assert.match(run.stderr, /awaiting-approval/, 'progress is shown while waiting');

    const status = await runCnam(['status', out.workflowId, '--json'], cliEnv);
    assert.equal(status.code, 0);
    const report = JSON.parse(status.stdout);
    assert.equal(report.state, 'completed');
    assert.deepEqual(
      report.status.stepsDone.map((s: { step: string }) => s.step),
      [
        'validating',
        'creating-record',
        'awaiting-approval',
        'assigning',
        'awaiting-propagation',
        'confirming',
        'verifying',
        'completed',
      ],
    );
    // The CNAM dip (the sandbox's Lookup) found the name on the network, and status says so.
    assert.equal(report.result.verification.outcome, 'showing');
    const text = await runCnam(['status', out.workflowId], cliEnv);
    assert.match(text.stdout, /on the network: showing — registered and showing since \S+ \(1 CNAM dip\)/);
  });

  test('a second provision of a number already in progress starts nothing new', async () => {
    const args = ['provision', 'flowroute', '--number', '+12065550102', '--name', 'Regence Inc', '--json', ...FAST];
    const first = await runCnam(args, cliEnv);
    const second = await runCnam(args, cliEnv);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).alreadyRunning, false);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(JSON.parse(second.stdout).alreadyRunning, true);
    await client.workflow.getHandle('cnam-flowroute-12065550102').result();
    assert.equal(sandboxes.flowroute.snapshot().records.filter((r) => r.value === 'REGENCE INC').length, 1);
  });

  test("a provider refusal fails the run with exit 1 and Flowroute's message", async () => {
    // 12065550199 is a valid US number but not on the sandbox account: the assign call gets a 404.
    const run = await runCnam(
      ['provision', 'flowroute', '--number', '+12065550199', '--name', 'Bob Law', '--wait', '--json', ...FAST],
      cliEnv,
    );
    assert.equal(run.code, 1);
    const out = JSON.parse(run.stdout);
    assert.equal(out.state, 'failed');
    assert.match(out.failure, /Flowroute 404/);
    assert.equal(out.status.step, 'failed');
  });

  test('provision twilio --wait runs the whole Trust Hub sequence and status reads it back', async () => {
    const args = [
      'provision',
      'twilio',
      '--number',
      '+12065550103',
      '--business-profile',
      sandboxes.twilio.defaultBusinessProfileSid,
    ];
    args.push(
      '--name',
      'ACME PLUMBING',
      '--email',
      'ops@example.com',
      '--wait',
      '--json',
      '--poll-initial',
      '1s',
      '--poll-max',
      '2s',
      '--propagation-wait',
      '3s',
    );
    const run = await runCnam(args, cliEnv);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.workflowId, 'cnam-twilio-12065550103');
    assert.equal(out.state, 'completed');
    assert.equal(out.status.provider, 'twilio');
    assert.equal(out.status.resources.trustProductSid, out.result.trustProductSid);
    const product = sandboxes.twilio.state.trustProducts.get(out.result.trustProductSid);
    assert.equal(product?.status, 'twilio-approved');
    assert.deepEqual(
      out.status.stepsDone.map((s: { step: string }) => s.step),
      [
        'validating',
        'preparing-trust-product',
        'submitting',
        'awaiting-approval',
        'enabling-lookup',
        'awaiting-propagation',
        'verifying',
        'completed',
      ],
    );
    assert.equal(out.result.verification.numbers[0].lastDip.callerName, out.result.displayName.toUpperCase());
  });

  test('provision twilio refuses a name Twilio does not allow before starting anything', async () => {
    const args = [
      'provision',
      'twilio',
      '--number',
      '+12065550104',
      '--business-profile',
      sandboxes.twilio.defaultBusinessProfileSid,
    ];
    const run = await runCnam([...args, '--name', 'Bob & Sons', '--email', 'not-an-email', '--json'], cliEnv);
    assert.equal(run.code, 1);
    const problems = JSON.parse(run.stdout).problems.map(
      (p: { field: string; rule: string }) => `${p.field}:${p.rule}`,
    );
    assert.deepEqual(problems.sort(), ['displayName:allowed-characters', 'notificationEmail:format']);
  });

  test('operators find a waiting provision by search attribute and read what it waits for', async () => {
    const run = await runCnam(
      [
        'provision',
        'flowroute',
        '--number',
        '+13125550100',
        '--name',
        'Lakeside Bagels',
        '--json',
        '--poll-initial',
        '1h',
        '--association-wait',
        '1s',
      ],
      cliEnv,
    );
    assert.equal(run.code, 0, run.stderr);
    const { workflowId } = JSON.parse(run.stdout);
    const handle = client.workflow.getHandle(workflowId);
    await eventually(async () => (await handle.query(getStatus)).step === 'awaiting-approval', 'awaiting-approval');

    // The same query an operator types into the Web UI or the Temporal CLI.
    const query = 'CnamStep = "awaiting-approval" AND CnamProvider = "flowroute" AND CnamPhoneNumber = "+13125550100"';
    const ids = await eventually(async () => {
      const found: string[] = [];
      for await (const w of client.workflow.list({ query })) found.push(w.workflowId);
      return found.length > 0 ? found : undefined;
    }, 'the visibility record');
    assert.deepEqual(ids, [workflowId]);
    const listed = execFileSync(
      temporalCliPath(),
      ['workflow', 'list', '--address', server.address, '--query', query, '--output', 'json'],
      { encoding: 'utf8' },
    );
    assert.match(listed, new RegExp(workflowId));

    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(metadata.currentDetails ?? '', /^Waiting for Flowroute approval of record \d+, next check /);
    const description = await handle.describe();
    assert.equal(await description.staticSummary(), 'Flowroute CNAM "Lakeside Bagels" for +13125550100');

    const check = await runCnam(['check-now', workflowId], cliEnv);
    assert.equal(check.code, 0, check.stderr);
    const result = await handle.result();
    assert.equal(result.provider, 'flowroute');
    const done = await eventually(async () => {
      const found: string[] = [];
      for await (const w of client.workflow.list({ query: `CnamStep = "completed" AND WorkflowId = "${workflowId}"` }))
        found.push(w.workflowId);
      return found.length > 0 ? found : undefined;
    }, 'the completed step in visibility');
    assert.deepEqual(done, [workflowId]);
  });

  test('status of an unknown workflow id exits 1', async () => {
    const run = await runCnam(['status', 'cnam-flowroute-19999999999', '--json'], cliEnv);
    assert.equal(run.code, 1);
    assert.equal(JSON.parse(run.stdout).error, 'not-found');
  });
});
