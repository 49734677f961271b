/**
 * Records one completed history per workflow into test/histories/, for the replay test that
 * catches non-deterministic changes to workflow code. Run after a deliberate, versioned change
 * (a `patched()` branch), with a new label so the older recordings stay and keep being replayed:
 *   npx tsx dev/record-histories.ts v4      # writes flowroute-completed-v4.json, twilio-completed-v4.json,
 *                                           # fleet-completed-v4.json and its groups' <provider>-fleet-group-completed-v4.json,
 *                                           # <provider>-{adopt,rename,remove}-completed-v4.json and
 *                                           # flowroute-cancelled-v4.json (a provisioning cancelled and undone)
 * Keep the files whose workflows changed (or are new); v4 kept only the lifecycle and cancelled ones,
 * the provisionings' and the fleet's histories being the same as v3's. v5 (the `verify-caller-name`
 * and `notify-outcome` patches: CNAM dips, webhook notifications) kept them all.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createActivities } from '../src/activities';
import { createCnamWorker } from '../src/worker';
import { FlowrouteClient } from '../src/providers/flowroute/client';
import { createTwilioClient } from '../src/providers/twilio/client';
import type { ProvisionStart } from '../src/app/schemas';
import { startProvision } from '../src/app/start';
import { provisionWorkflowId } from '../src/config/constants';
import { getStatus } from '../src/core/workflow/messages';
import { flowroute } from '../src/providers/flowroute';
import { twilio } from '../src/providers/twilio';
import { applyFleet } from '../src/app/fleet';
import { planFleet } from '../src/fleet/plan';
import { fleetRowsFrom } from '../src/fleet/rows';
import type { provisionFleet } from '../src/fleet/workflow';
import { startSandboxes } from './sandbox/start';
import { temporalCliPath } from './temporal/binaries';
import { createTimeSkippingEnv, workflowBundle } from '../test/helpers/temporal';

async function main(): Promise<void> {
  const label = process.argv[2];
  if (!label || !/^[a-z0-9-]+$/.test(label)) {
    console.error(
      'usage: npx tsx dev/record-histories.ts <label>   (e.g. v3; the files are <provider>-completed-<label>.json)',
    );
    process.exit(2);
  }
  const [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
  const sandboxes = await startSandboxes({ flowrouteApprovalDelayMs: 0, twilioDecisionDelayMs: 0 });
  const e = sandboxes.workerEnv;
  const activities = await createActivities({
    flowroute: new FlowrouteClient({
      baseUrl: e.FLOWROUTE_BASE_URL!,
      accessKey: e.FLOWROUTE_ACCESS_KEY!,
      secretKey: e.FLOWROUTE_SECRET_KEY!,
    }),
    twilio: createTwilioClient({
      accountSid: e.TWILIO_ACCOUNT_SID!,
      authToken: e.TWILIO_AUTH_TOKEN!,
      baseUrl: e.TWILIO_BASE_URL!,
    }),
  });
  const worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue: 'record',
    deps: {},
    workflowBundle: bundle,
    activities,
  });
  const runs: [string, ProvisionStart][] = [
    [`flowroute-completed-${label}.json`, { provider: 'flowroute', number: '+12065550100', displayName: 'Bob Law' }],
    [
      `twilio-completed-${label}.json`,
      {
        provider: 'twilio',
        phoneNumber: '+12065550101',
        businessProfileSid: sandboxes.twilio.defaultBusinessProfileSid,
        displayName: 'ACME PLUMBING',
        notificationEmail: 'ops@example.com',
      },
    ],
  ];
  // The Temporal CLI writes the JSON form that replay reads (the SDK's own serialiser trips over duplicate protobufjs copies).
  const record = (workflowId: string, file: string) => {
    const json = execFileSync(
      temporalCliPath(),
      ['workflow', 'show', '--address', env.address, '--workflow-id', workflowId, '--output', 'json'],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    writeFileSync(resolve(__dirname, '..', 'test', 'histories', file), json);
    console.log(`recorded ${file}`);
  };
  await worker.runUntil(async () => {
    for (const [file, start] of runs) {
      const { workflowId } = await startProvision(env.client, 'record', start);
      await env.client.workflow.getHandle(workflowId).result();
      record(workflowId, file);
    }
    // A fleet: the fleet workflow and its two groups (several numbers on one record, one Trust Product).
    const bp = sandboxes.twilio.defaultBusinessProfileSid;
    const plan = planFleet(
      fleetRowsFrom([
        { provider: 'flowroute', number: '+12065550102', displayName: 'Harbor Dental' },
        { provider: 'flowroute', number: '+13125550100', displayName: 'Harbor Dental' },
        {
          provider: 'twilio',
          number: '+12065550103',
          displayName: 'Blue Harbor',
          businessProfileSid: bp,
          notificationEmail: 'ops@example.com',
        },
        {
          provider: 'twilio',
          number: '+12065550104',
          displayName: 'Blue Harbor',
          businessProfileSid: bp,
          notificationEmail: 'ops@example.com',
        },
      ]),
      { fleetId: 'cnam-fleet-recorded' },
    );
    await applyFleet(env.client, 'record', plan);
    await env.client.workflow.getHandle<typeof provisionFleet>(plan.fleetId).result();
    record(plan.fleetId, `fleet-completed-${label}.json`);
    for (const group of plan.groups) record(group.workflowId, `${group.provider}-fleet-group-completed-${label}.json`);

    // The life of the two names provisioned first: adopted, renamed, removed, each under the number's own id.
    for (const [provider, e164, newName, wait] of [
      [flowroute, '+12065550100', 'Bob Lawyer', { associationWait: '1h' }],
      [twilio, '+12065550101', 'ACME PIPES', { propagationWait: '1h' }],
    ] as const) {
      const flows = await provider.lifecycle.loadWorkflows();
      const workflowId = provisionWorkflowId(provider.id, e164);
      const options = { taskQueue: 'record', workflowId };
      await env.client.workflow.execute(flows.adopt, { ...options, args: [{ number: e164 }] });
      record(workflowId, `${provider.id}-adopt-completed-${label}.json`);
      await env.client.workflow.execute(flows.rename, {
        ...options,
        args: [{ number: e164, displayName: newName, ...wait }],
      });
      record(workflowId, `${provider.id}-rename-completed-${label}.json`);
      await env.client.workflow.execute(flows.remove, { ...options, args: [{ number: e164 }] });
      record(workflowId, `${provider.id}-remove-completed-${label}.json`);
    }

    // A provisioning cancelled while its association takes effect: the undo steps and their grace timer.
    const { workflowId } = await startProvision(env.client, 'record', {
      provider: 'flowroute',
      number: '+12065550101',
      displayName: 'Cancel Me',
    });
    const handle = env.client.workflow.getHandle(workflowId);
    while ((await handle.query(getStatus)).step !== 'awaiting-propagation')
      await new Promise((r) => setTimeout(r, 100));
    await handle.cancel();
    await handle.result().catch(() => undefined);
    record(workflowId, `flowroute-cancelled-${label}.json`);
  });
  await sandboxes.close();
  await env.teardown();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
