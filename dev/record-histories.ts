/**
 * Records one completed history per workflow into test/histories/, for the replay test that
 * catches non-deterministic changes to workflow code. Run after a deliberate, versioned change
 * (a `patched()` branch), with a new label so the older recordings stay and keep being replayed:
 *   npx tsx dev/record-histories.ts v3      # writes flowroute-completed-v3.json, twilio-completed-v3.json
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
  await worker.runUntil(async () => {
    for (const [file, start] of runs) {
      const { workflowId } = await startProvision(env.client, 'record', start);
      const handle = env.client.workflow.getHandle(workflowId);
      await handle.result();
      // The Temporal CLI writes the JSON form that replay reads (the SDK's own serialiser trips over duplicate protobufjs copies).
      const json = execFileSync(
        temporalCliPath(),
        ['workflow', 'show', '--address', env.address, '--workflow-id', workflowId, '--output', 'json'],
        { encoding: 'utf8' },
      );
      writeFileSync(resolve(__dirname, '..', 'test', 'histories', file), json);
      console.log(`recorded ${file}`);
    }
  });
  await sandboxes.close();
  await env.teardown();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
