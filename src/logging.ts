/**
 * JSON logs (pino) for every process: the worker, the CLI's long-running commands, the sandbox.
 * Temporal's own logger forwards into the same stream, so activity and workflow lines carry
 * their workflowId as a field. The same once-per-process Runtime.install also serves the SDK's
 * metrics and ours (src/telemetry/metrics.ts) to Prometheus when CNAM_METRICS_ADDRESS is set.
 */
import { isIP } from 'node:net';
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import type { LogLevel, MetricsExporterConfig } from '@temporalio/worker';
import { ConfigError, parseEnv } from './config/env';
import { WORKER_HISTOGRAM_BUCKETS } from './telemetry/metrics';

/** JSON lines to stdout, or appended to `file` (the dev stack keeps its terminal for people). */
export function createLogger(name: string, file?: string): Logger {
  const options = { name, level: process.env.LOG_LEVEL ?? 'info' };
  return file ? pino(options, pino.destination({ dest: file, mkdir: true, sync: false })) : pino(options);
}

/** `IP:port`: the runtime binds a socket address, not a host name. Blank or unset: no metrics endpoint. */
const metricsSchema = z.object({
  CNAM_METRICS_ADDRESS: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .refine((address) => {
        const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
        if (!match) return false;
        const [, v6, v4, port] = match;
        const ipOk = v6 !== undefined ? isIP(v6) === 6 : isIP(v4 ?? '') === 4;
        return ipOk && Number(port) >= 1 && Number(port) <= 65_535;
      }, 'must be IP:port to serve Prometheus metrics on, e.g. 0.0.0.0:9464 or [::]:9464 (no host names)')
      .optional(),
  ),
});

/** The runtime's Prometheus exporter for `CNAM_METRICS_ADDRESS`, or undefined when it is unset; ConfigError when malformed. */
export function metricsExporter(env: NodeJS.ProcessEnv = process.env): MetricsExporterConfig | undefined {
  const { CNAM_METRICS_ADDRESS } = parseEnv(metricsSchema, env, 'metrics');
  if (CNAM_METRICS_ADDRESS === undefined) return undefined;
  return {
    // The SDK's own metrics keep its names (temporal_*); ours are created unprefixed as cnam_*.
    metricPrefix: 'temporal_',
    prometheus: { bindAddress: CNAM_METRICS_ADDRESS, histogramBucketOverrides: WORKER_HISTOGRAM_BUCKETS },
  };
}

let runtimeInstalled = false;

/**
 * Routes Temporal SDK logs (including activity and workflow `log`) into pino, and serves metrics when
 * CNAM_METRICS_ADDRESS is set. Once per process.
 */
export function installTemporalLogging(logger: Logger, env: NodeJS.ProcessEnv = process.env): void {
  if (runtimeInstalled) return;
  const metrics = metricsExporter(env);
  // Loaded here, not at the top: the worker package starts the native bridge, which the API and CLI must not pay for.
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const level = (process.env.TEMPORAL_LOG_LEVEL ?? 'INFO') as LogLevel;
  try {
    Runtime.install({
      logger: new DefaultLogger(level, (entry) => {
        const method =
          entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
        logger[method]({ ...entry.meta }, entry.message);
      }),
      telemetryOptions: {
        // The native core otherwise prints its own coloured text (e.g. during a Temporal outage): forward it as JSON too.
        logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
        ...(metrics && { metrics }),
      },
    });
  } catch (err) {
    // The exporter binds its port inside install: a port in use fails here, and it is a setting to fix.
    if (!metrics) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Invalid metrics configuration:\n  CNAM_METRICS_ADDRESS: ${why}`, { cause: err });
  }
  runtimeInstalled = true;
}
