/**
 * JSON logs (pino) for every process: the worker, the CLI's long-running commands, the sandbox.
 * Temporal's own logger forwards into the same stream, so activity and workflow lines carry
 * their workflowId as a field.
 */
import pino, { type Logger } from 'pino';
import type { LogLevel } from '@temporalio/worker';

/** JSON lines to stdout, or appended to `file` (the dev stack keeps its terminal for people). */
export function createLogger(name: string, file?: string): Logger {
  const options = { name, level: process.env.LOG_LEVEL ?? 'info' };
  return file ? pino(options, pino.destination({ dest: file, mkdir: true, sync: false })) : pino(options);
}

let runtimeInstalled = false;

/** Routes Temporal SDK logs (including activity and workflow `log`) into pino. Once per process. */
export function installTemporalLogging(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  // Loaded here, not at the top: the worker package starts the native bridge, which the API and CLI must not pay for.
  const { DefaultLogger, Runtime } = require('@temporalio/worker') as typeof import('@temporalio/worker');
  const level = (process.env.TEMPORAL_LOG_LEVEL ?? 'INFO') as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(level, (entry) => {
      const method =
        entry.level === 'TRACE' ? 'trace' : (entry.level.toLowerCase() as 'debug' | 'info' | 'warn' | 'error');
      logger[method]({ ...entry.meta }, entry.message);
    }),
    // The native core otherwise prints its own coloured text (e.g. during a Temporal outage): forward it as JSON too.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}
