/**
 * Traces: off without an endpoint (and the tracing interceptors bundled in anyway cost no errors);
 * on, one trace runs from `POST /v1/provisions` on a real socket through the workflow and its
 * activities into the provider calls (time-skipping server, the sandboxes over HTTP, spans in memory).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  DefaultLogger,
  type LogEntry,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import pino from 'pino';
import { type RunningSandboxes, startSandboxes } from '../../dev/sandbox/start';
import { temporalTestServerPath } from '../../dev/temporal/binaries';
import { startApiServer } from '../../src/api';
import { ConfigError } from '../../src/config/env';
import { createClient } from '../../src/temporal/connection';
import { addAllSearchAttributes } from '../../src/temporal/search-attributes';
import {
  clientTracingInterceptors,
  installTracing,
  loadTracingEnv,
  shutdownTracing,
  tracingEnabled,
  WORKFLOW_INTERCEPTOR_MODULE,
  workerTracingOptions,
} from '../../src/telemetry/tracing';
import { buildActivityDeps, createCnamWorker, writeWorkflowEntry } from '../../src/worker';
import { eventually, uniqueTaskQueue } from '../helpers/temporal';

// Whatever the shell running the tests says, this process starts with tracing off.
for (const name of Object.keys(process.env)) if (name.startsWith('OTEL_')) delete process.env[name];

// The worker's own log: errors a workflow task causes (an unregistered sink) land here.
const runtimeLogs: LogEntry[] = [];
Runtime.install({ logger: new DefaultLogger('WARN', (entry) => runtimeLogs.push(entry)) });
const errorsLogged = () => runtimeLogs.filter((e) => e.level === 'ERROR').map((e) => e.message);

const TOKEN = 'trace-test-token-0123456789';
const HISTORIES = resolve(__dirname, '..', 'histories');

let bundle: WorkflowBundleWithSourceMap;
let env: TestWorkflowEnvironment | undefined;
let sandboxes: RunningSandboxes | undefined;

before(async () => {
  // As `npm run build` bundles it: the tracing interceptors always in.
  bundle = await bundleWorkflowCode({
    workflowsPath: writeWorkflowEntry(),
    workflowInterceptorModules: [WORKFLOW_INTERCEPTOR_MODULE],
    logger: new DefaultLogger('WARN'),
  });
});
after(async () => {
  await shutdownTracing();
  await sandboxes?.close();
  await env?.teardown();
});

test('off: with no endpoint and no test exporter, no interceptors and only a sink that drops workflow spans', () => {
  assert.equal(clientTracingInterceptors(), undefined);
  const options = workerTracingOptions({ bundlesWorkflows: true });
  assert.equal(options.interceptors, undefined);
  assert.deepEqual(Object.keys(options.sinks ?? {}), ['exporter']);
  assert.equal(tracingEnabled(), false);
});

test('OTEL settings: the traces URL from the endpoint; blank or disabled is off; a bad value names its variable', () => {
  assert.deepEqual(loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }), {
    tracesUrl: 'http://collector:4318/v1/traces',
    serviceName: undefined,
  });
  assert.equal(
    loadTracingEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/v1/t',
    }).tracesUrl,
    'https://traces.example/v1/t',
  );
  assert.equal(loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).tracesUrl, null);
  assert.equal(
    loadTracingEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracesUrl,
    null,
  );
  // Settings for sending spans matter only when spans are sent.
  assert.equal(loadTracingEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).tracesUrl, null);
  for (const [name, value, says] of [
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'localhost:4318', /must be an http\(s\) URL/],
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /not gRPC/],
    ['OTEL_EXPORTER_OTLP_HEADERS', 'api-key', /key=value pairs/],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', 'soon', /must be a number of milliseconds/],
    ['OTEL_SDK_DISABLED', 'yes', /true or false/],
  ] as const) {
    assert.throws(
      () =>
        installTracing({
          serviceName: 'cnam-test',
          env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', [name]: value },
        }),
      (err: unknown) =>
        err instanceof ConfigError && new RegExp(`${name}: `).test(err.message) && says.test(err.message),
      `${name}=${value}`,
    );
  }
  assert.equal(tracingEnabled(), false);
});

test('off: every recorded history replays with the tracing interceptors bundled in, and no error is logged', async () => {
  const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
  const history = (file: string) => JSON.parse(readFileSync(resolve(HISTORIES, file), 'utf8'));
  // Without the dropping sink the worker logs an error per workflow task that ends a span: the check below can fail.
  await Worker.runReplayHistory({ workflowBundle: bundle }, history(files[0]!));
  assert.ok(
    errorsLogged().some((m) => /unregistered external sink/.test(m)),
    'a workflow ending spans with no sink logs errors',
  );
  runtimeLogs.length = 0;
  for (const file of files) {
    await Worker.runReplayHistory({ workflowBundle: bundle, ...workerTracingOptions() }, history(file));
  }
  assert.deepEqual(errorsLogged(), []);
});

test('on: one trace from POST /v1/provisions through the workflow into the provider calls', async () => {
  const spans = new InMemorySpanExporter();
  installTracing({ serviceName: 'cnam-test', spanProcessor: new SimpleSpanProcessor(spans) });
  assert.ok(clientTracingInterceptors()?.workflow, 'client interceptors');
  // A worker bundling at start adds the workflow interceptors; one given a bundle must not (the SDK would warn).
  assert.deepEqual(workerTracingOptions({ bundlesWorkflows: true }).interceptors?.workflowModules, [
    WORKFLOW_INTERCEPTOR_MODULE,
  ]);
  assert.equal(workerTracingOptions().interceptors?.workflowModules, undefined);
  runtimeLogs.length = 0;
  [env, sandboxes] = await Promise.all([
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: temporalTestServerPath() } },
    }),
    startSandboxes({ flowrouteApprovalDelayMs: 0 }),
  ]);
  await addAllSearchAttributes(env.connection, 'default');
  const taskQueue = uniqueTaskQueue('trace');
  const worker = await createCnamWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    deps: await buildActivityDeps(sandboxes.workerEnv),
    workflowBundle: bundle,
  });
  const api = await startApiServer({
    port: 0,
    host: '127.0.0.1',
    client: createClient(env.connection, 'default'),
    taskQueue,
    token: TOKEN,
    namespace: 'default',
    logger: pino({ level: 'silent' }),
  });
  const testEnv = env;
  const workflowId = await worker
    .runUntil(async () => {
      const res = await fetch(`${api.url}/v1/provisions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          provider: 'flowroute',
          number: '+12065550100',
          displayName: 'Harbor Dental',
          approvalPollInitial: '1m',
          associationWait: '1h',
        }),
      });
      const body = (await res.json()) as { workflowId: string };
      assert.equal(res.status, 201, JSON.stringify(body));
      // The time-skipping client skips the waits while it awaits the result.
      await testEnv.client.workflow.getHandle(body.workflowId).result();
      return body.workflowId;
    })
    .finally(() => api.close());

  const finished = () => spans.getFinishedSpans();
  const named = (name: string | RegExp) =>
    finished().filter((s) => (typeof name === 'string' ? s.name === name : name.test(s.name)));
  // The workflow's spans come through the sink after its last task completes.
  await eventually(async () => named(/^RunWorkflow:/).length > 0, 'the RunWorkflow span');

  const [http, ...moreHttp] = named('POST /v1/provisions');
  assert.ok(http, `an HTTP span; spans: ${[...new Set(finished().map((s) => s.name))].join(', ')}`);
  assert.equal(moreHttp.length, 0);
  assert.equal(http.kind, 1 /* SERVER */);
  assert.equal(http.attributes['http.status_code'], 201);
  assert.equal(http.attributes['http.route'], '/v1/provisions');
  assert.equal(http.resource.attributes['service.name'], 'cnam-test');
  const traceId = http.spanContext().traceId;

  const start = named(/^StartWorkflow:/);
  const run = named(/^RunWorkflow:/);
  const activities = named(/^RunActivity:/);
  const providerCalls = finished().filter((s) => s.attributes['cnam.provider'] !== undefined);
  assert.equal(start.length, 1);
  assert.equal(start[0]!.parentSpanId, http.spanContext().spanId, 'StartWorkflow is a child of the HTTP span');
  assert.ok(run.length >= 1, 'a RunWorkflow span');
  assert.ok(activities.length >= 1, 'RunActivity spans');
  assert.ok(providerCalls.length >= 1, 'provider-call spans');
  for (const span of [...start, ...run, ...activities, ...providerCalls]) {
    assert.equal(span.spanContext().traceId, traceId, `${span.name} is in the request's trace`);
  }
  assert.deepEqual(
    run.map((s) => [s.attributes.workflowId, s.attributes.workflowType, s.attributes.memo]),
    [[workflowId, 'provisionFlowrouteCnam', undefined]],
  );
  assert.deepEqual(errorsLogged(), [], 'the worker logged no errors');

  const created = providerCalls.find((s) => s.name === 'POST /v2/cnams');
  assert.ok(created, `a span for creating the record; provider calls: ${providerCalls.map((s) => s.name).join(', ')}`);
  assert.equal(created.kind, 2 /* CLIENT */);
  assert.deepEqual(
    [created.attributes['http.method'], created.attributes['http.route'], created.attributes['http.status_code']],
    ['POST', '/v2/cnams', 201],
  );
  // Every provider call's parents lead up to the HTTP request, through an activity and the workflow.
  const byId = new Map(finished().map((s) => [s.spanContext().spanId, s]));
  const ancestry = (span: ReadableSpan): string[] => {
    const names: string[] = [];
    for (
      let at = span.parentSpanId && byId.get(span.parentSpanId);
      at;
      at = at.parentSpanId && byId.get(at.parentSpanId)
    )
      names.push(at.name);
    return names;
  };
  assert.ok(
    providerCalls.some((s) => s.attributes['cnam.provider'] === 'twilio'),
    'the Twilio Lookup dip too',
  );
  for (const call of providerCalls) {
    const chain = ancestry(call);
    assert.equal(chain.at(-1), 'POST /v1/provisions', `${call.name}: ${chain.join(' < ')}`);
    assert.match(chain[0] ?? '', /^RunActivity:/, `${call.name}'s parent is its activity`);
    assert.ok(
      chain.some((n) => n.startsWith('RunWorkflow:')),
      `${call.name}: ${chain.join(' < ')}`,
    );
  }
});
