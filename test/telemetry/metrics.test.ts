/**
 * Metrics as Prometheus scrapes them. The worker: a runtime installed with CNAM_METRICS_ADDRESS (this
 * file's process owns its Runtime, so it installs its own instead of test/helpers' quiet one), real
 * provisionings on the time-skipping server against the sandboxes, the SDK's and our counters read
 * from its endpoint. The API: requests through `app.request`, then its own `/metrics`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import pino from 'pino';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { type RunningSandboxes, startSandboxes } from '../../dev/sandbox/start';
import { createApiApp } from '../../src/api';
import { ConfigError } from '../../src/config/env';
import { installTemporalLogging, metricsExporter } from '../../src/logging';
import { FlowrouteClient } from '../../src/providers/flowroute/client';
import type { FlowrouteProvisionInput } from '../../src/providers/flowroute/contract';
import { provisionFlowrouteCnam } from '../../src/providers/flowroute/workflow';
import { createTwilioClient } from '../../src/providers/twilio/client';
import { installWorkerMetrics } from '../../src/telemetry/metrics';
import { addAllSearchAttributes } from '../../src/temporal/search-attributes';
import { createCnamWorker, writeWorkflowEntry } from '../../src/worker';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';

const NUMBERS = ['14255570100', '14255570101'];
const quiet = pino({ level: 'error' });

/** The sum of the samples of `name` whose labels include `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total += Number(match[3]);
  }
  return total;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('CNAM_METRICS_ADDRESS', () => {
  test('unset or blank serves nothing; IP:port is the exporter; anything else names the variable', () => {
    assert.equal(metricsExporter({}), undefined);
    assert.equal(metricsExporter({ CNAM_METRICS_ADDRESS: ' ' }), undefined);
    const v6 = metricsExporter({ CNAM_METRICS_ADDRESS: '[::]:9464' });
    assert.ok(v6 && 'prometheus' in v6);
    assert.equal(v6.prometheus.bindAddress, '[::]:9464');
    assert.equal(metricsExporter({ CNAM_METRICS_ADDRESS: ' 0.0.0.0:9464 ' })?.metricPrefix, 'temporal_');
    for (const bad of ['localhost:9464', '9464', '0.0.0.0', '0.0.0.0:0', '0.0.0.0:70000', '::1:9464', '1.2.3:9464']) {
      assert.throws(
        () => metricsExporter({ CNAM_METRICS_ADDRESS: bad }),
        (err: unknown) => err instanceof ConfigError && /CNAM_METRICS_ADDRESS: must be IP:port/.test(err.message),
        bad,
      );
    }
  });
});

describe('worker metrics on the Prometheus endpoint', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let sandboxes: RunningSandboxes;
  let metricsUrl: string;

  before(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    installTemporalLogging(quiet, { CNAM_METRICS_ADDRESS: `127.0.0.1:${port}` });
    installWorkerMetrics();
    [env, bundle, sandboxes] = await Promise.all([
      TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
      }),
      bundleWorkflowCode({ workflowsPath: writeWorkflowEntry(), logger: new DefaultLogger('WARN') }),
      startSandboxes({ flowrouteApprovalDelayMs: 0, flowrouteNumbers: NUMBERS }),
    ]);
    await addAllSearchAttributes(env.connection, env.namespace ?? 'default');
  });
  after(async () => {
    await sandboxes?.close();
    await env?.teardown();
  });

  const scrape = async () => {
    const res = await fetch(metricsUrl);
    assert.equal(res.status, 200);
    return res.text();
  };

  async function provision(number: string, more: Partial<FlowrouteProvisionInput> = {}) {
    const taskQueue = uniqueTaskQueue('metrics');
    const worker = await createCnamWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: {
        flowroute: new FlowrouteClient({
          baseUrl: sandboxes.flowroute.url,
          accessKey: 'sandbox-access-key',
          secretKey: 'sandbox-secret-key',
          timeoutMs: 2_000,
        }),
        twilio: createTwilioClient({
          accountSid: sandboxes.workerEnv.TWILIO_ACCOUNT_SID!,
          authToken: sandboxes.workerEnv.TWILIO_AUTH_TOKEN!,
          baseUrl: sandboxes.twilio.url,
          timeoutMs: 2_000,
        }),
      },
      workflowBundle: bundle,
    });
    const input = { number, displayName: 'Acme Metrics', approvalPollInitial: '1m', associationWait: '1h', ...more };
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start(provisionFlowrouteCnam, {
        taskQueue,
        workflowId: `metrics-${taskQueue}`,
        args: [input],
      });
      return handle.result().then(
        () => 'completed',
        () => 'failed',
      );
    });
  }

  test('a completed provisioning moves the SDK metrics, our run counters, provider calls (a 429 too) and the dip outcome', async () => {
    const before = await scrape();
    // Flowroute refuses the first number read once with 429: the activity retries after its Retry-After.
    const fault = await fetch(`${sandboxes.flowroute.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'GET', path: '/v2/numbers', status: 429, count: 1, retryAfterSeconds: 1 }),
    });
    assert.equal(fault.status, 201);
    assert.equal(await provision(`+${NUMBERS[0]}`), 'completed');

    const run = { provider: 'flowroute', operation: 'provision' };
    const moved = (text: string, name: string, labels: Record<string, string> = {}) =>
      sample(text, name, labels) - sample(before, name, labels);
    // Workflow metrics reach the exporter through the worker's sink: poll until the last one has.
    const after = await eventually(async () => {
      const text = await scrape();
      return moved(text, 'cnam_provisionings_completed', run) > 0 ? text : undefined;
    }, 'cnam_provisionings_completed on the endpoint');

    const flowrouteWorkflow = { workflow_type: 'provisionFlowrouteCnam' };
    assert.equal(moved(after, 'temporal_workflow_completed', flowrouteWorkflow), 1);
    assert.ok(moved(after, 'temporal_activity_execution_latency_count') > 0, 'an SDK histogram');
    assert.equal(moved(after, 'cnam_provisionings_started', { ...run, step: 'validating' }), 1);
    assert.equal(moved(after, 'cnam_provisionings_completed', { ...run, step: 'completed' }), 1);
    assert.equal(moved(after, 'cnam_provisionings_failed', run), 0);
    assert.equal(moved(after, 'cnam_verification_outcomes', { provider: 'flowroute', outcome: 'showing' }), 1);

    const numberRead = { provider: 'flowroute', method: 'GET', route: '/v2/numbers/{id}' };
    assert.equal(moved(after, 'cnam_provider_calls', { ...numberRead, status: '429' }), 1);
    assert.ok(moved(after, 'cnam_provider_calls', { ...numberRead, status: '200' }) >= 1);
    assert.equal(moved(after, 'cnam_provider_rate_limited', numberRead), 1);
    assert.ok(moved(after, 'cnam_provider_calls', { provider: 'flowroute', method: 'POST', status: '201' }) >= 1);
    assert.ok(moved(after, 'cnam_provider_calls', { provider: 'twilio', status: '200' }) >= 1, 'the Lookup dip');
    const calls = moved(after, 'cnam_provider_calls', { provider: 'flowroute' });
    assert.equal(moved(after, 'cnam_provider_call_duration_seconds_count', { provider: 'flowroute' }), calls);
    // Ids never become labels.
    assert.doesNotMatch(after, /cnam_provider_calls\{[^}]*\d{10}/);
  });

  test('a failed provisioning counts as failed at the step it failed, with its failure type', async () => {
    const before = await scrape();
    // Not on the sandbox's account: the number check before anything is created refuses it.
    assert.equal(await provision('+14255579999'), 'failed');
    const labels = { provider: 'flowroute', operation: 'provision', step: 'validating' };
    const after = await eventually(async () => {
      const text = await scrape();
      return sample(text, 'cnam_provisionings_failed', labels) > sample(before, 'cnam_provisionings_failed', labels)
        ? text
        : undefined;
    }, 'cnam_provisionings_failed on the endpoint');
    const failed = [...after.matchAll(/^cnam_provisionings_failed\{(.*)\} /gm)].map((m) => m[1]);
    assert.ok(
      failed.some((l) => /step="validating"/.test(l ?? '') && !/failure_type="none"/.test(l ?? '')),
      failed.join('\n'),
    );
    assert.equal(
      sample(after, 'cnam_provisionings_completed', labels) - sample(before, 'cnam_provisionings_completed', labels),
      0,
    );
  });
});

describe('API metrics at GET /metrics', () => {
  test('requests counted and timed by method, route pattern and status; no token needed', async () => {
    const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const app = createApiApp({
      client,
      taskQueue: 'unused',
      token: 'metrics-token-0123456789',
      namespace: 'default',
      logger: quiet,
    });
    const auth = { Authorization: 'Bearer metrics-token-0123456789', 'Content-Type': 'application/json' };
    assert.equal((await app.request('/healthz')).status, 200);
    assert.equal((await app.request('/healthz')).status, 200);
    assert.equal((await app.request('/v1/provisions/cnam-flowroute-12065550100')).status, 401);
    assert.equal((await app.request('/v1/provisions', { method: 'POST', headers: auth, body: '{}' })).status, 400);
    assert.equal((await app.request('/no/such/route')).status, 404);

    const res = await app.request('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const requests = (method: string, route: string, status: string) =>
      sample(text, 'cnam_api_requests_total', { method, route, status });
    assert.equal(requests('GET', '/healthz', '200'), 2);
    assert.equal(requests('GET', '/v1/provisions/:id', '401'), 1);
    assert.equal(requests('POST', '/v1/provisions', '400'), 1);
    assert.equal(requests('GET', 'unmatched', '404'), 1);
    assert.equal(sample(text, 'cnam_api_request_duration_seconds_count', { route: '/healthz', status: '200' }), 2);
    assert.equal(sample(text, 'cnam_api_request_duration_seconds_bucket', { route: '/healthz', le: '+Inf' }), 2);
    assert.doesNotMatch(text, /cnam-flowroute-12065550100|\/no\/such\/route/, 'raw paths are never labels');
    assert.ok(sample(text, 'process_cpu_user_seconds_total') > 0, 'process metrics');

    // Each app counts its own requests: a second one starts from nothing.
    const other = createApiApp({
      client,
      taskQueue: 'unused',
      token: 'metrics-token-0123456789',
      namespace: 'default',
      logger: quiet,
    });
    const fresh = await (await other.request('/metrics')).text();
    assert.equal(sample(fresh, 'cnam_api_requests_total', { route: '/healthz' }), 0);
  });
});
