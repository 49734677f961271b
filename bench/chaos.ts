/**
 * The chaos benchmark: N provisionings of both providers on a real dev server and the sandboxes,
 * under a mix of network faults (5xx, 429 without Retry-After, resets, lost responses, slow writes),
 * with the worker process killed with SIGKILL at random intervals and the Temporal server killed
 * and restarted once mid-wait. At the end it reads the sandboxes' state and counts duplicates.
 * With `rename`, every number is first provisioned calmly, then renamed under the same chaos: the
 * sandboxes are sampled every second for a number showing no name, and read at the end for leftovers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { applyFleet } from '../src/app/fleet';
import { startProvision } from '../src/app/start';
import { provisionWorkflowId } from '../src/config/constants';
import { getStatus } from '../src/core/workflow/messages';
import { flowroute as flowrouteModule } from '../src/providers/flowroute';
import { twilio as twilioModule } from '../src/providers/twilio';
import { planFleet } from '../src/fleet/plan';
import { fleetRowsFrom } from '../src/fleet/rows';
import type { provisionFleet } from '../src/fleet/workflow';
import { DEFAULT_BUSINESS_PROFILE_SID, startTwilioSandbox, type RunningTwilioSandbox } from '../dev/sandbox/twilio';
import { startFlowrouteSandbox, type RunningFlowrouteSandbox } from '../dev/sandbox/flowroute';
import { startDevServer, type RunningDevServer } from '../dev/temporal/dev-server';
import { devServerSearchAttributeFlags } from '../src/temporal/search-attributes';
import { freePort } from '../test/helpers/cli';

export interface ChaosOptions {
  /** Provisionings, split evenly between Flowroute and Twilio. */
  provisionings: number;
  /** Fraction of provider requests that meet a fault. */
  faultRate: number;
  /** At most this many worker kills. */
  maxWorkerKills: number;
  /** Random interval between kills, after the new worker is up. */
  killEveryMs: [number, number];
  /** A provisioning still running after this long counts as stuck. */
  deadlineMs: number;
  /** Run the numbers as one fleet (3 Flowroute names, 2 Twilio names) instead of one provisioning each. */
  fleet?: boolean;
  /** Provision every number without faults first, then rename each under the chaos. */
  rename?: boolean;
  log: (line: string) => void;
}

export interface ChaosReport {
  provisionings: number;
  completed: number;
  failed: number;
  stuck: number;
  duplicateResources: number;
  duplicates: Record<string, number>;
  /** Trust Products and End Users a late create left and a workflow deleted: the sweep at work. */
  duplicatesRemoved: number;
  workerKills: number;
  serverRestarts: number;
  faultsFired: number;
  /** Worker log lines that are not JSON (the native core prints coloured text unless forwarded). */
  workerLogLinesNotJson: number;
  /** Worker log lines from the native core (e.g. its retries while the server was down). */
  workerCoreLogLines: number;
  wallSeconds: number;
  failures: string[];
  /** With `rename`: what the numbers showed through and after the renames. */
  rename?: RenameReport;
}

export interface RenameReport {
  /** Numbers whose provider shows the new name at the end. */
  showingNewName: number;
  /** Records no number carries, Trust Products no number is on, End Users no product holds: none expected. */
  leftovers: string[];
  /** One-second samples in which a Flowroute number carried no record (its reassignment is one call: none expected). */
  flowrouteSamplesWithoutName: number;
  /** Samples in which a Twilio number was on no CNAM Trust Product: the move is two calls, so a kill between them shows here. */
  twilioSamplesWithoutName: number;
}

const CLI = resolve(__dirname, '..', 'bin', 'cnam.js');
// The provider client gives up after 2 s and the retry comes about 1 s later; a slow write lands after
// 5 s, when that retry has looked, found nothing and made its own: the race that leaves duplicates.
const CLIENT_TIMEOUT_MS = 2_000;
const SLOW_WRITE_MS = 5_000;

/** The fault mix, each a share of `rate`; every kind a real network has. */
function faultMix(rate: number) {
  return [
    { kind: 'status' as const, status: 503, rate: rate * 0.25 },
    { kind: 'status' as const, status: 429, retryAfterSeconds: null, rate: rate * 0.15 },
    { kind: 'reset' as const, rate: rate * 0.2 },
    { kind: 'lost-response' as const, rate: rate * 0.2 },
    { kind: 'slow-write' as const, delayMs: SLOW_WRITE_MS, rate: rate * 0.2 },
  ];
}

/** A three-letter tag per provisioning from consonants that spell no word a name filter refuses. */
const TAG_LETTERS = 'BDGHJLMNPQVWXZ';
const tag = (i: number) => [196, 14, 1].map((d) => TAG_LETTERS[Math.floor(i / d) % TAG_LETTERS.length]).join('');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = ([lo, hi]: [number, number]) => lo + Math.random() * (hi - lo);

/** The worker as operators run it: `cnam worker`, its own process, killed without warning. */
class WorkerProcess {
  #child: ChildProcess | null = null;
  kills = 0;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {}

  /** Starts a worker and resolves once it says it is polling. */
  async start(): Promise<void> {
    const child = spawn(process.execPath, [CLI, 'worker'], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await new Promise<void>((done, fail) => {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        seen = (seen + chunk.toString()).slice(-2000);
        if (seen.includes('"worker started"')) done();
      });
      child.once('exit', (code, signal) =>
        fail(new Error(`worker exited (${code ?? signal}) before it started; see ${this.logFile}`)),
      );
    });
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    this.kills++;
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One fleet of the numbers: Flowroute's under three names, Twilio's under two (one Business Profile). */
async function startFleet(
  client: Client,
  taskQueue: string,
  flowrouteNumbers: string[],
  twilioNumbers: string[],
): Promise<string> {
  const rows = [
    ...flowrouteNumbers.map((d, i) => ({
      provider: 'flowroute',
      number: `+${d}`,
      displayName: `CHAOS F ${tag(i % 3)}`,
      approvalPollInitial: '2s',
      approvalPollMax: '5s',
      associationWait: '10s',
    })),
    ...twilioNumbers.map((d, i) => ({
      provider: 'twilio',
      number: `+${d}`,
      displayName: `CHAOS T ${tag(i % 2)}`,
      businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
      notificationEmail: 'ops@example.com',
      reviewPollInitial: '2s',
      reviewPollMax: '5s',
      propagationWait: '10s',
    })),
  ];
  const plan = planFleet(fleetRowsFrom(rows));
  if (plan.refused.length > 0) throw new Error(`chaos fleet rows refused: ${JSON.stringify(plan.refused)}`);
  await applyFleet(client, taskQueue, plan);
  return plan.fleetId;
}

const POLLING = { approvalPollInitial: '2s', approvalPollMax: '5s' } as const;
const REVIEW_POLLING = { reviewPollInitial: '2s', reviewPollMax: '5s' } as const;

/** One provisioning per number, under a name of its own. */
async function provisionEach(
  client: Client,
  taskQueue: string,
  flowrouteNumbers: string[],
  twilioNumbers: string[],
): Promise<string[]> {
  return Promise.all([
    ...flowrouteNumbers.map(
      async (d, i) =>
        (
          await startProvision(client, taskQueue, {
            provider: 'flowroute',
            number: `+${d}`,
            displayName: `CHAOS F ${tag(i)}`,
            ...POLLING,
            associationWait: '10s',
          })
        ).workflowId,
    ),
    ...twilioNumbers.map(
      async (d, i) =>
        (
          await startProvision(client, taskQueue, {
            provider: 'twilio',
            phoneNumber: `+${d}`,
            businessProfileSid: DEFAULT_BUSINESS_PROFILE_SID,
            displayName: `CHAOS T ${tag(i)}`,
            notificationEmail: 'ops@example.com',
            ...REVIEW_POLLING,
            // Long enough that every slow write has landed before the last duplicate sweep.
            propagationWait: '10s',
          })
        ).workflowId,
    ),
  ]);
}

/** The name the i-th number is renamed to (Flowroute and Twilio store it upper-cased as given here). */
const renamedTo = (i: number) => `CHAOS R ${tag(i)}`;

/** Renames every number, under the number's own workflow id (each provisioning has completed). */
async function renameEach(
  client: Client,
  taskQueue: string,
  flowrouteNumbers: string[],
  twilioNumbers: string[],
): Promise<void> {
  const [flowrouteFlows, twilioFlows] = await Promise.all([
    flowrouteModule.lifecycle.loadWorkflows(),
    twilioModule.lifecycle.loadWorkflows(),
  ]);
  await Promise.all([
    ...flowrouteNumbers.map((d, i) =>
      client.workflow.start(flowrouteFlows.rename, {
        taskQueue,
        workflowId: provisionWorkflowId('flowroute', `+${d}`),
        args: [{ number: `+${d}`, displayName: renamedTo(i), ...POLLING, associationWait: '10s' }],
      }),
    ),
    ...twilioNumbers.map((d, i) =>
      client.workflow.start(twilioFlows.rename, {
        taskQueue,
        workflowId: provisionWorkflowId('twilio', `+${d}`),
        args: [
          {
            number: `+${d}`,
            displayName: renamedTo(flowrouteNumbers.length + i),
            ...REVIEW_POLLING,
            propagationWait: '10s',
          },
        ],
      }),
    ),
  ]);
}

/** A run still going at the deadline, with the step it is at and what its details say. */
async function whereStuck(client: Client, id: string): Promise<string> {
  const handle = client.workflow.getHandle(id);
  const status = await client.withDeadline(Date.now() + 5_000, () => handle.query(getStatus)).catch(() => null);
  return `${id} still running at the deadline${status ? ` (step ${status.step}, next check ${status.nextCheckAt ?? 'none'}, resources ${JSON.stringify(status.resources)})` : ''}`;
}

/** Waits until none of `ids` runs (or `timeoutMs` passes). */
async function settle(client: Client, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const id of ids) {
    while (Date.now() < deadline && (await client.workflow.getHandle(id).describe()).status.name === 'RUNNING')
      await sleep(500);
  }
}

/** Number (digits) → the name its provider shows now; a number showing none is absent. */
export function namesShown(flowroute: RunningFlowrouteSandbox, twilio: RunningTwilioSandbox): Map<string, string> {
  const shown = new Map<string, string>();
  const f = flowroute.snapshot();
  const values = new Map(f.records.map((r) => [r.id, r.value]));
  for (const [d, id] of Object.entries(f.assignments)) shown.set(d, values.get(id) ?? '?');
  const s = twilio.state;
  for (const a of s.trustProductAssignments.values()) {
    const pn = s.phoneNumbers.get(a.channelEndpointSid);
    const endUser = [...s.entityAssignments.values()]
      .filter((e) => e.trustProductSid === a.parentSid)
      .map((e) => s.endUsers.get(e.objectSid))
      .find((eu) => eu?.type === 'cnam_information');
    if (pn) shown.set(pn.phoneNumber.slice(1), String(endUser?.attributes.cnam_display_name ?? '?').toUpperCase());
  }
  return shown;
}

/** Resources no number uses: a record on no number, a Trust Product with no number, an End User on no product. */
export function leftovers(flowroute: RunningFlowrouteSandbox, twilio: RunningTwilioSandbox): string[] {
  const f = flowroute.snapshot();
  const s = twilio.state;
  const productsWithNumbers = new Set([...s.trustProductAssignments.values()].map((a) => a.parentSid));
  const heldEndUsers = new Set([...s.entityAssignments.values()].map((a) => a.objectSid));
  return [
    ...f.records.filter((r) => r.numberIds.length === 0).map((r) => `Flowroute record ${r.id} "${r.value}"`),
    ...[...s.trustProducts.values()]
      .filter((tp) => !productsWithNumbers.has(tp.sid))
      .map((tp) => `Trust Product ${tp.sid} "${tp.friendlyName}" (${tp.status})`),
    ...[...s.endUsers.values()]
      .filter((eu) => !heldEndUsers.has(eu.sid))
      .map((eu) => `End User ${eu.sid} "${eu.friendlyName}"`),
  ];
}

/** What `countDuplicates` answers when nothing was created twice. */
export const NO_DUPLICATES: Record<string, number> = {
  flowrouteRecordsPerValue: 0,
  trustProductsPerProvisioning: 0,
  endUsersPerProvisioning: 0,
  entityAssignmentsPerProduct: 0,
  productAssignmentsPerNumber: 0,
  profileAssignmentsPerNumber: 0,
};

/** Resources the sandboxes hold more than once for one provisioning (or one number). */
export function countDuplicates(
  flowroute: RunningFlowrouteSandbox,
  twilio: RunningTwilioSandbox,
): Record<string, number> {
  const extra = (keys: string[]) => {
    const seen = new Map<string, number>();
    for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
    return [...seen.values()].reduce((n, c) => n + c - 1, 0);
  };
  const s = twilio.state;
  return {
    flowrouteRecordsPerValue: extra(flowroute.snapshot().records.map((r) => r.value.toUpperCase())),
    trustProductsPerProvisioning: extra([...s.trustProducts.values()].map((tp) => tp.friendlyName)),
    endUsersPerProvisioning: extra([...s.endUsers.values()].map((eu) => eu.friendlyName)),
    entityAssignmentsPerProduct: extra(
      [...s.entityAssignments.values()].map((a) => `${a.trustProductSid}/${a.objectSid}`),
    ),
    productAssignmentsPerNumber: extra([...s.trustProductAssignments.values()].map((a) => a.channelEndpointSid)),
    profileAssignmentsPerNumber: extra(
      [...s.customerProfileAssignments.values()].map((a) => `${a.parentSid}/${a.channelEndpointSid}`),
    ),
  };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const { log } = options;
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'cnam-chaos-'));
  const n = options.provisionings;
  const flowrouteCount = Math.ceil(n / 2);
  const numbers = Array.from({ length: n }, (_, i) => `1206555${String(1000 + i).padStart(4, '0')}`);
  const flowrouteNumbers = numbers.slice(0, flowrouteCount);
  const twilioNumbers = numbers.slice(flowrouteCount);

  const flowroute = await startFlowrouteSandbox({ numbers: flowrouteNumbers, approvalDelayMs: 4_000 });
  const [port, twilio] = await Promise.all([
    freePort(),
    startTwilioSandbox({
      numbers: twilioNumbers.map((d) => ({ phoneNumber: `+${d}` })),
      // One network: CNAM dips (Twilio Lookup) see Flowroute's names too, as `startSandboxes` wires it.
      lookupSources: [(e164) => flowroute.registeredCnam(e164)],
      inReviewDelayMs: 1_000,
      decisionDelayMs: 4_000,
    }),
  ]);
  const serverOptions = {
    port,
    uiPort: null,
    dbFilename: join(dir, 'temporal.db'),
    searchAttributes: devServerSearchAttributeFlags(),
    readyTimeoutMs: 120_000,
  };
  let server: RunningDevServer = await startDevServer(serverOptions);
  let serverRestarts = 0;
  const taskQueue = `chaos-${process.pid}-${Date.now()}`;
  const worker = new WorkerProcess(
    {
      TEMPORAL_ADDRESS: server.address,
      CNAM_TASK_QUEUE: taskQueue,
      FLOWROUTE_BASE_URL: flowroute.url,
      FLOWROUTE_ACCESS_KEY: 'sandbox-access-key',
      FLOWROUTE_SECRET_KEY: 'sandbox-secret-key',
      TWILIO_BASE_URL: twilio.url,
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      CNAM_PROVIDER_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
      LOG_LEVEL: 'info',
    },
    join(dir, 'worker.log'),
  );
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const armFaults = () => {
    for (const fault of faultMix(options.faultRate)) {
      flowroute.injectFault({ path: '/v2/', ...fault });
      twilio.injectFault({ ...fault });
    }
  };
  const samplesWithoutName = { flowroute: 0, twilio: 0 };
  try {
    // A rename run provisions first, calmly; its faults come with the renames.
    if (!options.rename) armFaults();
    log(
      `dev server ${server.address}, sandboxes ${flowroute.url} ${twilio.url}, faults on ${Math.round(options.faultRate * 100)}% of provider requests`,
    );
    await worker.start();

    const ids = options.fleet
      ? [await startFleet(client, taskQueue, flowrouteNumbers, twilioNumbers)]
      : await provisionEach(client, taskQueue, flowrouteNumbers, twilioNumbers);
    if (options.rename) {
      await settle(client, ids, 120_000);
      for (const id of ids) {
        const { status } = await client.workflow.getHandle(id).describe();
        if (status.name !== 'COMPLETED') throw new Error(`chaos rename: provisioning ${id} ended ${status.name}`);
      }
      log(`${ids.length} numbers provisioned; renaming them under faults`);
      armFaults();
      await renameEach(client, taskQueue, flowrouteNumbers, twilioNumbers);
    }
    log(
      `started ${options.fleet ? `fleet ${ids[0]}` : `${ids.length} ${options.rename ? 'renames' : 'provisionings'}`} on ${taskQueue}`,
    );

    const open = new Set(ids);
    const outcomes = new Map<string, string>();
    const deadline = started + options.deadlineMs;
    let nextKillAt = Date.now() + between(options.killEveryMs);
    let restartDone = false;
    while (open.size > 0 && Date.now() < deadline) {
      await sleep(1_000);
      if (options.rename) {
        const shown = namesShown(flowroute, twilio);
        samplesWithoutName.flowroute += flowrouteNumbers.filter((d) => !shown.has(d)).length;
        samplesWithoutName.twilio += twilioNumbers.filter((d) => !shown.has(d)).length;
      }
      if (worker.kills < options.maxWorkerKills && Date.now() >= nextKillAt) {
        await worker.kill();
        log(`worker killed with SIGKILL (${worker.kills}); ${open.size} open`);
        await worker.start();
        nextKillAt = Date.now() + between(options.killEveryMs);
      }
      // Once, mid-wait: the whole Temporal server dies and comes back on the same database.
      // A fleet is one workflow until its end: it gets the crash 25 s in, mid-run.
      const midRun = options.fleet ? Date.now() - started >= 25_000 : open.size <= ids.length * 0.9;
      if (!restartDone && midRun && open.size > 0) {
        restartDone = true;
        server.process.kill('SIGKILL');
        await new Promise((r) => server.process.once('exit', r));
        log('Temporal server killed with SIGKILL');
        await sleep(2_000);
        server = await startDevServer(serverOptions);
        serverRestarts++;
        log('Temporal server restarted on the same database');
      }
      for (const id of [...open]) {
        try {
          const { status } = await client.workflow.getHandle(id).describe();
          if (status.name === 'RUNNING') continue;
          open.delete(id);
          outcomes.set(id, status.name);
          if (status.name !== 'COMPLETED') {
            const failure = await client.workflow
              .getHandle(id)
              .result()
              .then(
                () => '',
                (e: unknown) => {
                  const cause = e instanceof Error ? e.cause : undefined;
                  return cause instanceof Error ? cause.message : String(e);
                },
              );
            outcomes.set(id, `${status.name}: ${failure}`);
          }
        } catch {
          break; // the server is restarting: look again next round
        }
      }
    }
    // A slow write still in flight lands after its delay: count what the providers hold once it has.
    await sleep(SLOW_WRITE_MS + 500);
    const duplicates = countDuplicates(flowroute, twilio);
    let completed = [...outcomes.values()].filter((o) => o === 'COMPLETED').length;
    let failures = [...outcomes.entries()].filter(([, o]) => o !== 'COMPLETED').map(([id, o]) => `${id} ${o}`);
    let total = ids.length;
    if (options.fleet && outcomes.get(ids[0]!) === 'COMPLETED') {
      // A fleet counts its numbers: each done or failed (with the provider's words).
      const result = await client.workflow.getHandle<typeof provisionFleet>(ids[0]!).result();
      total = result.total;
      completed = result.counts.done;
      failures = result.numbers.filter((x) => x.state !== 'done').map((x) => `${x.number} ${x.state}: ${x.failure}`);
    }
    await worker.stop();
    const logLines = readFileSync(join(dir, 'worker.log'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const parsed = logLines.map((l) => {
      try {
        return JSON.parse(l) as { sdkComponent?: string };
      } catch {
        return null;
      }
    });
    const faultsFired = [...flowroute.snapshot().faults, ...twilio.faults()].reduce((sum, f) => sum + f.fired, 0);
    return {
      provisionings: total,
      completed,
      failed: options.fleet ? failures.length : outcomes.size - completed,
      stuck: open.size,
      duplicateResources: Object.values(duplicates).reduce((a, b) => a + b, 0),
      duplicates,
      duplicatesRemoved:
        (twilio.state.writeCounts['DELETE /v1/TrustProducts/:sid'] ?? 0) +
        (twilio.state.writeCounts['DELETE /v1/EndUsers/:sid'] ?? 0),
      workerKills: worker.kills,
      serverRestarts,
      faultsFired,
      workerLogLinesNotJson: parsed.filter((p) => p === null).length,
      workerCoreLogLines: parsed.filter((p) => p?.sdkComponent === 'core').length,
      wallSeconds: Math.round((Date.now() - started) / 100) / 10,
      failures: [...failures, ...(await Promise.all([...open].map((id) => whereStuck(client, id))))],
      ...(options.rename && {
        rename: {
          showingNewName: [...namesShown(flowroute, twilio)].filter(
            ([d, name]) => name === renamedTo(numbers.indexOf(d)),
          ).length,
          leftovers: leftovers(flowroute, twilio),
          flowrouteSamplesWithoutName: samplesWithoutName.flowroute,
          twilioSamplesWithoutName: samplesWithoutName.twilio,
        },
      }),
    };
  } finally {
    await worker.stop();
    await connection.close();
    await server.stop();
    await Promise.all([flowroute.close(), twilio.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}
