/** A fleet test's parts: both emulators, their clients and a worker on a fresh task queue of the time-skipping server. */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { startFlowrouteSandbox, type RunningFlowrouteSandbox } from '../../dev/sandbox/flowroute';
import { startTwilioSandbox, type RunningTwilioSandbox } from '../../dev/sandbox/twilio';
import { FlowrouteClient } from '../../src/providers/flowroute/client';
import { createTwilioClient } from '../../src/providers/twilio/client';
import { type CnamWorker, createCnamWorker } from '../../src/worker';
import { uniqueTaskQueue } from './temporal';

export interface FleetSandboxes {
  flowrouteSandbox: RunningFlowrouteSandbox;
  twilioSandbox: RunningTwilioSandbox;
  flowroute: FlowrouteClient;
  taskQueue: string;
  /** A worker for both providers on the queue (one at a time); `replayOnly` keeps no workflow cached, as a fresh process would. */
  newWorker(options?: { replayOnly?: boolean }): Promise<CnamWorker>;
  close(): Promise<void>;
}

export interface FleetStack extends FleetSandboxes {
  /** The stack's worker for both providers. */
  worker: CnamWorker;
}

/** The sandboxes and a worker on their queue. */
export async function fleetStack(...args: Parameters<typeof fleetSandboxes>): Promise<FleetStack> {
  const sandboxes = await fleetSandboxes(...args);
  return { ...sandboxes, worker: await sandboxes.newWorker() };
}

/**
 * Emulators whose reviews wait for the test to decide (see decide), and workers for both providers.
 * Flowroute numbers are its ids (digits without the plus); the clients give up after `timeouts`.
 */
export async function fleetSandboxes(
  env: TestWorkflowEnvironment,
  bundle: WorkflowBundleWithSourceMap,
  numbers: { flowroute: string[]; twilio: string[] },
  timeouts: { flowrouteMs?: number; twilioMs?: number } = {},
): Promise<FleetSandboxes> {
  const flowrouteSandbox = await startFlowrouteSandbox({
    numbers: numbers.flowroute,
    autoReview: false,
    approvalDelayMs: 0,
  });
  const twilioSandbox = await startTwilioSandbox({
    numbers: numbers.twilio.map((phoneNumber) => ({ phoneNumber })),
    // One network: CNAM dips (Twilio Lookup) see Flowroute's names too, as `startSandboxes` wires it.
    lookupSources: [(e164) => flowrouteSandbox.registeredCnam(e164)],
    autoReview: false,
    inReviewDelayMs: 0,
    decisionDelayMs: 0,
  });
  const flowroute = new FlowrouteClient({
    baseUrl: flowrouteSandbox.url,
    accessKey: 'sandbox-access-key',
    secretKey: 'sandbox-secret-key',
    timeoutMs: timeouts.flowrouteMs ?? 2_000,
  });
  const twilio = createTwilioClient({
    accountSid: twilioSandbox.accountSid,
    authToken: twilioSandbox.authToken,
    baseUrl: twilioSandbox.url,
    timeoutMs: timeouts.twilioMs ?? 5_000,
  });
  const taskQueue = uniqueTaskQueue('fleet');
  const newWorker = (options: { replayOnly?: boolean } = {}) =>
    createCnamWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: { flowroute, twilio },
      workflowBundle: bundle,
      ...(options.replayOnly && { maxCachedWorkflows: 0 }),
    });
  return {
    flowrouteSandbox,
    twilioSandbox,
    flowroute,
    taskQueue,
    newWorker,
    close: async () => {
      await flowrouteSandbox.close();
      await twilioSandbox.close();
    },
  };
}

/** Approves every Flowroute record and Trust Product under review, rejecting the Flowroute record `reject` names. */
export function decide(
  s: { flowrouteSandbox: RunningFlowrouteSandbox; twilioSandbox: RunningTwilioSandbox },
  reject: { flowroute?: string } = {},
): void {
  for (const record of s.flowrouteSandbox.snapshot().records) {
    if (record.status !== 'pending') continue;
    if (record.value === reject.flowroute) s.flowrouteSandbox.reject(record.id, 'Misleading CNAM');
    else s.flowrouteSandbox.approve(record.id);
  }
  for (const tp of s.twilioSandbox.state.trustProducts.values()) {
    if (tp.status === 'pending-review' || tp.status === 'in-review') s.twilioSandbox.approve(tp.sid);
  }
}

/** Minutes instead of Flowroute's business days and Twilio's 72 h, so a test reads the outcome. */
export function withShortWaits<T extends { groups: { provider: string; input: unknown }[] }>(plan: T): T {
  for (const g of plan.groups) {
    Object.assign(g.input as object, g.provider === 'twilio' ? { propagationWait: '1h' } : { associationWait: '1h' });
  }
  return plan;
}
