/**
 * OpenTelemetry tracing (issue 12 part 5): one trace from an HTTP request through the workflow it
 * starts into the provider calls its activities make. Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; the SDK packages load only when it is on, so the CLI pays nothing.
 */
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Resource as OtelResource } from '@opentelemetry/resources';
import type { ClientInterceptors } from '@temporalio/client';
import type { OpenTelemetrySinks } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks, WorkerOptions } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { z } from 'zod';
import { parseEnv } from '../config/env';
import { addProviderCallObserver } from './provider-calls';

/** The workflow interceptors (RunWorkflow, StartActivity spans); bundled into every workflow bundle, tracing on or off. */
export const WORKFLOW_INTERCEPTOR_MODULE = require.resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** OTel reads a blank variable as unset. */
const unsetIfBlank = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const otlpUrl = z.preprocess(
  unsetIfBlank,
  z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://localhost:4318' }).optional(),
);

/** Whether tracing is on, and where spans go. */
const switchSchema = z.object({
  OTEL_SDK_DISABLED: z.preprocess(
    unsetIfBlank,
    z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
  ),
  OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: otlpUrl,
});

const TIMEOUT_ERROR = 'must be a number of milliseconds above 0';

/** How spans are sent, checked only when they are (OTEL_* meant for other programs do not stop this one). */
const exportSchema = z.object({
  OTEL_EXPORTER_OTLP_PROTOCOL: z.preprocess(
    unsetIfBlank,
    z
      .enum(['http/json', 'http/protobuf'], {
        error: 'must be http/json or http/protobuf: spans are sent over OTLP/HTTP (the collector port 4318), not gRPC',
      })
      .optional(),
  ),
  OTEL_EXPORTER_OTLP_HEADERS: z.preprocess(
    unsetIfBlank,
    z
      .string()
      .regex(/^\s*[^=,\s]+\s*=[^,]*(,\s*[^=,\s]+\s*=[^,]*)*$/, 'must be key=value pairs separated by commas')
      .optional(),
  ),
  OTEL_EXPORTER_OTLP_TIMEOUT: z.preprocess(
    unsetIfBlank,
    z.coerce.number({ error: TIMEOUT_ERROR }).int(TIMEOUT_ERROR).min(1, TIMEOUT_ERROR).optional(),
  ),
});

export interface TracingSettings {
  /** Where spans go (OTLP/HTTP traces URL); null: tracing is off. */
  tracesUrl: string | null;
  serviceName: string | undefined;
}

/** The OTEL_* settings this process uses; throws ConfigError naming each bad variable. */
export function loadTracingEnv(env: NodeJS.ProcessEnv = process.env): TracingSettings {
  const what = 'tracing (OpenTelemetry)';
  const switches = parseEnv(switchSchema, env, what);
  const base = switches.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const tracesUrl = switches.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base && `${base}/v1/traces`);
  const on = switches.OTEL_SDK_DISABLED !== 'true' && tracesUrl !== undefined;
  if (on) parseEnv(exportSchema, env, what);
  return { tracesUrl: on ? tracesUrl : null, serviceName: env.OTEL_SERVICE_NAME?.trim() || undefined };
}

export interface TracingOptions {
  /** service.name unless OTEL_SERVICE_NAME says otherwise: `cnam-worker`, `cnam-api`, `cnam-cli`. */
  serviceName: string;
  /** Tests: every span goes to this processor, tracing on whatever the environment says. */
  spanProcessor?: SpanProcessor;
  env?: NodeJS.ProcessEnv;
}

interface Installed {
  processor: SpanProcessor;
  resource: OtelResource;
  shutdown: () => Promise<void>;
}

let installed: Installed | undefined;

/**
 * Turns tracing on for this process when the environment (or a test's processor) asks for it: a
 * registered tracer provider (AsyncLocalStorage context, W3C trace context), and a span per provider
 * call. Once per process: later calls return the same shutdown. Returns the function that flushes
 * and stops it (also run when the process is about to exit by itself).
 */
export function installTracing(options: TracingOptions): () => Promise<void> {
  if (installed) return shutdownTracing;
  const settings = loadTracingEnv(options.env);
  if (!options.spanProcessor && settings.tracesUrl === null) return shutdownTracing;

  // Loaded only now: together these take longer to load than a CLI command takes to run.
  const { trace, context, propagation } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { Resource, envDetectorSync } =
    require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { NodeTracerProvider } =
    require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } =
    require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { providerCallSpans } = require('./provider-spans') as typeof import('./provider-spans');

  // OTEL_RESOURCE_ATTRIBUTES too; the service name from the validated setting or the process's default.
  const resource = Resource.default()
    .merge(envDetectorSync.detect())
    .merge(new Resource({ 'service.name': settings.serviceName ?? options.serviceName }));
  const processor = options.spanProcessor ?? new BatchSpanProcessor(otlpExporter(settings.tracesUrl ?? ''));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  provider.register();
  const removeObserver = addProviderCallObserver(providerCallSpans(trace.getTracer('cnam-orchestrator/providers')));
  const exiting = () => void shutdownTracing();
  process.once('beforeExit', exiting);

  installed = {
    processor,
    resource,
    shutdown: async () => {
      process.removeListener('beforeExit', exiting);
      removeObserver();
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
      }
    },
  };
  return shutdownTracing;
}

function otlpExporter(url: string) {
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  // Headers and timeout come from OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT, read by the exporter itself.
  return new OTLPTraceExporter({ url });
}

/** Sends the spans not yet exported and stops tracing; nothing when it is off. */
export async function shutdownTracing(): Promise<void> {
  const current = installed;
  installed = undefined;
  await current?.shutdown();
}

/** Whether this process traces (installTracing turned it on). */
export function tracingEnabled(): boolean {
  return installed !== undefined;
}

/** On from the environment if no entry point installed tracing first (e.g. the CLI's own commands). */
function ensureTracing(serviceName: string): Installed | undefined {
  if (!installed) installTracing({ serviceName });
  return installed;
}

/** Client interceptors that carry the current trace into the workflows a client starts; none while tracing is off. */
export function clientTracingInterceptors(): ClientInterceptors | undefined {
  if (!ensureTracing('cnam-cli')) return undefined;
  const { OpenTelemetryWorkflowClientInterceptor } =
    require('@temporalio/interceptors-opentelemetry/lib/client') as typeof import('@temporalio/interceptors-opentelemetry/lib/client');
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}

/**
 * What a Worker.create() takes for tracing: activity interceptors and the sink that exports the
 * workflow's spans. `bundlesWorkflows`: the worker bundles workflow code at start (workflowsPath), so
 * the workflow interceptor module is added to that bundle; a prebuilt bundle has it already.
 * While tracing is off: only a sink that drops the spans of the (always bundled) workflow interceptors,
 * without which the worker logs an error on every workflow task that ends a span.
 */
export function workerTracingOptions(
  options: { bundlesWorkflows?: boolean } = {},
): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracing = ensureTracing('cnam-worker');
  if (!tracing) {
    const dropSpans: InjectedSinks<OpenTelemetrySinks> = { exporter: { export: { fn: () => undefined } } };
    return { sinks: dropSpans };
  }
  const worker =
    require('@temporalio/interceptors-opentelemetry/lib/worker') as typeof import('@temporalio/interceptors-opentelemetry/lib/worker');
  const client = clientTracingInterceptors();
  const { export: exportSpans } = worker.makeWorkflowExporter(tracing.processor, tracing.resource);
  const sinks: InjectedSinks<OpenTelemetrySinks> = {
    exporter: {
      export: {
        ...exportSpans,
        // The exporter copies what it is given onto every span: the ids, not all of workflowInfo (memo, search attributes, last failure).
        fn: (info, spans) => exportSpans.fn(identity(info), spans),
      },
    },
  };
  return {
    interceptors: {
      ...(client && { client }),
      activity: [
        (ctx) => ({
          inbound: new worker.OpenTelemetryActivityInboundInterceptor(ctx),
          outbound: new worker.OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      ...(options.bundlesWorkflows && { workflowModules: [WORKFLOW_INTERCEPTOR_MODULE] }),
    },
    sinks,
  };
}

function identity(info: WorkflowInfo): WorkflowInfo {
  const { workflowId, runId, workflowType, namespace, taskQueue, attempt } = info;
  return { workflowId, runId, workflowType, namespace, taskQueue, attempt } as WorkflowInfo;
}
