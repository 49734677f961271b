/**
 * The production topology (dev/cluster/cluster.ts: PostgreSQL, a real Temporal server built from its Go
 * module, two worker processes and the API process from the compiled build) under the faults production
 * has: one worker killed with SIGKILL while provider writes are in flight (slow writes that land after
 * the worker died), and the Temporal server restarted while the runs wait. Every run must complete on
 * the surviving worker with each resource created once. In `npm test`; alone: `npm run test:cluster`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { countDuplicates, leftovers, NO_DUPLICATES, namesShown } from '../../bench/chaos';
import { type RunningCluster, startCluster } from '../../dev/cluster/cluster';
import { freePort } from '../helpers/cli';

/** A base port with the nine above it free (the Temporal server's services), below 32768: Temporal keeps membership ports in a smallint. */
async function freePortRange(size: number): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let p = base; p < base + size && ok; p++) ok = await free(p);
    if (ok) return base;
  }
  throw new Error('no free port range');
}

let cluster: RunningCluster;
let stateDir: string;

before(
  async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'cnam-cluster-'));
    const ports = {
      postgres: await freePort(),
      temporal: await freePortRange(10),
      ui: await freePort(),
      api: await freePort(),
      flowroute: await freePort(),
      twilio: await freePort(),
      workerHealth: [await freePort(), await freePort()],
      workerMetrics: [await freePort(), await freePort()],
    };
    cluster = await startCluster({ stateDir, ports, approvalDelayMs: 3_000 });
  },
  { timeout: 300_000 },
);

// A cancelled or timed-out run (SIGINT/SIGTERM) still stops every process the cluster started.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void (cluster?.stop() ?? Promise.resolve()).finally(() => process.exit(1));
  });

after(async () => {
  await cluster?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered
type Json = any;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${cluster.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${cluster.apiToken}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

async function arm(sandboxUrl: string, fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(fault),
  });
  assert.equal(res.status < 300, true, `arming ${JSON.stringify(fault)}: HTTP ${res.status}`);
}

async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const pidAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the production topology', () => {
  test('Flowroute and Twilio provisionings survive kill -9 of a worker and a Temporal restart, each resource once', {
    timeout: 600_000,
  }, async () => {
    const { flowroute, twilio } = cluster.sandboxes;
    // Writes that land 4 s after they were sent, whether or not the worker that sent them is still there.
    // Every create is slow until the faults are cleared, after the kill.
    await arm(flowroute.url, { kind: 'slow-write', method: 'POST', path: '/v2/cnams', delayMs: 4_000, rate: 1 });
    await arm(twilio.url, { kind: 'slow-write', method: 'POST', path: '/v1/TrustProducts', delayMs: 4_000, rate: 1 });

    const runs = [
      // Numbers on the sandboxes' accounts; none at both providers, so each shows one name.
      ...(
        [
          ['Pacific Dental', '+12065550100'],
          ['Bob Law', '+12065550101'],
          ['Acme Plumbing', '+13125550100'],
        ] as const
      ).map(([displayName, number]) => ({
        name: displayName,
        number,
        body: {
          provider: 'flowroute',
          number,
          displayName,
          approvalPollInitial: '2s',
          approvalPollMax: '4s',
          associationWait: '40s',
        },
      })),
      ...(
        [
          ['NORTH CLINIC', '+12065550102'],
          ['SOUTH CLINIC', '+12065550103'],
          ['EAST CLINIC', '+12065550104'],
        ] as const
      ).map(([displayName, number]) => ({
        name: displayName,
        number,
        body: {
          provider: 'twilio',
          phoneNumber: number,
          businessProfileSid: twilio.defaultBusinessProfileSid,
          displayName,
          notificationEmail: 'ops@example.com',
          reviewPollInitial: '2s',
          reviewPollMax: '4s',
          propagationWait: '40s',
        },
      })),
    ];
    const ids: string[] = [];
    for (const run of runs) {
      const res = await api('POST', '/v1/provisions', run.body);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.workflowId);
    }

    // kill -9 while the slow writes are in flight: the dead worker's attempts time out and run again on the other.
    await new Promise((r) => setTimeout(r, 1_500));
    const killed = cluster.workers[0]!.pid()!;
    await cluster.killWorker(0);
    assert.equal(pidAlive(killed), false, 'worker 1 is gone');
    // The test exercises what it claims: creates were in flight (slow) at the kill. Then creates answer at once.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const sandbox of [flowroute, twilio]) {
      const armed = (await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()) as { faults: { fired: number }[] };
      assert.ok(
        armed.faults.some((f) => f.fired > 0),
        `a slow create fired at ${sandbox.url}: ${JSON.stringify(armed)}`,
      );
      await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    }

    // Restart the server while every run waits out its association or propagation wait.
    await until('every run in its 40 s wait', 240_000, async () => {
      const reports = await Promise.all(ids.map(async (id) => (await api('GET', `/v1/provisions/${id}`)).body));
      const ended = reports.find((r) => r.state !== 'running');
      if (ended) assert.fail(`${ended.workflowId} ended early (${ended.state}): ${JSON.stringify(ended.failure)}`);
      return reports.every((r) => r.status?.step === 'awaiting-propagation') ? reports : undefined;
    });
    await cluster.restartTemporal({ downMs: 3_000 });

    const reports = await until('every run to end', 300_000, async () => {
      const all = await Promise.all(ids.map(async (id) => (await api('GET', `/v1/provisions/${id}`)).body));
      return all.every((r) => r.state !== 'running') ? all : undefined;
    });
    for (const report of reports)
      assert.equal(
        report.state,
        'completed',
        `${report.workflowId}: ${JSON.stringify(report.failure ?? report.status)}`,
      );

    const shown = namesShown(flowroute, twilio);
    for (const run of runs)
      assert.equal(
        shown.get(run.number.slice(1))?.toUpperCase(),
        run.name.toUpperCase(),
        `${run.number} shows its name`,
      );
    assert.deepEqual(countDuplicates(flowroute, twilio), NO_DUPLICATES, 'nothing created twice');
    assert.deepEqual(leftovers(flowroute, twilio), [], 'nothing left unused');

    // The Web UI's server reads the same cluster: it lists the runs.
    const listed = await fetch(
      `${cluster.uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('CnamProvider="twilio"')}`,
    );
    assert.equal(listed.status, 200);
    const executions = ((await listed.json()) as { executions?: { execution: { workflowId: string } }[] }).executions;
    assert.deepEqual(
      (executions ?? []).map((e) => e.execution.workflowId).sort(),
      ids.filter((id) => id.startsWith('cnam-twilio-')).sort(),
      'the Web UI lists the Twilio runs',
    );

    // The survivor did the work, is still ready, and its metrics say so.
    const ready = await fetch(`${cluster.workers[1]!.healthUrl}/readyz`);
    assert.equal(ready.status, 200);
    const metrics = await (await fetch(cluster.workers[1]!.metricsUrl)).text();
    const completed = [...metrics.matchAll(/^cnam_provisionings_completed\{[^}]*\} (\d+)/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    );
    assert.ok(completed >= 1, `worker 2 counted completions:\n${metrics.slice(0, 2000)}`);
    assert.match(metrics, /^temporal_workflow_completed/m, "the SDK's own metrics are there too");
    assert.match(metrics, /^cnam_provider_calls\{[^}]*provider="flowroute"/m);
  });
});
