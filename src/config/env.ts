/**
 * Configuration from the environment, validated with zod so a missing or malformed
 * setting stops the process at start with a message naming the variable.
 */
import { z } from 'zod';
import { durationMs } from '../core/duration';
import { DEFAULT_TASK_QUEUE, DEFAULT_TEMPORAL_UI_URL } from './constants';

/** An optional variable that, when set, is not blank. */
export const optionalText = z.string().trim().min(1).optional();

/** Connection settings themselves (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, profiles) are read by @temporalio/envconfig. */
const temporalSchema = z.object({
  TEMPORAL_UI_URL: z.url().default(DEFAULT_TEMPORAL_UI_URL),
  CNAM_TASK_QUEUE: z.string().trim().min(1).default(DEFAULT_TASK_QUEUE),
});

/** The worker's own settings; each provider's variables are read by its runtime (src/providers/<p>/runtime.ts). */
const workerSchema = z.object({
  /** How long one provider HTTP call may take; below the activities' 30 s so the client, not Temporal, gives up first. */
  CNAM_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(15_000),
  /**
   * Workflows the worker keeps in memory between tasks. A provisioning waits days between tasks, so
   * keeping every one costs about 1 MB each for nothing; an evicted one is replayed from its short
   * history when its next task (or a status query) comes.
   */
  CNAM_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).max(100_000).default(100),
  /** Activities one worker runs at once (each is one provider call or a wait on one); the SDK's default when unset. */
  CNAM_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).max(10_000).optional(),
  /** Workflow tasks one worker runs at once; the SDK's default when unset. */
  CNAM_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).max(10_000).optional(),
  /**
   * After SIGTERM/SIGINT the worker stops polling at once and lets activities in flight finish (each
   * provider call is bounded by CNAM_PROVIDER_TIMEOUT_MS). Past this grace they are told to cancel, and
   * 15 s later the worker stops regardless; what was cut off is retried elsewhere (every activity is
   * idempotent). Keep grace + 15 s under the orchestrator's kill timeout (docker's stop_grace_period,
   * Kubernetes' terminationGracePeriodSeconds).
   */
  CNAM_SHUTDOWN_GRACE: z
    .string()
    .trim()
    .default('30s')
    .transform((text, ctx) => {
      const n = durationMs(text);
      if (n === null || n < 0 || n > 600_000) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration from 0s to 10m, e.g. 30s' });
        return z.NEVER;
      }
      return n;
    }),
  /** Port of the worker's /healthz and /readyz; unset: none served. */
  CNAM_HEALTH_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  CNAM_HEALTH_HOST: z.string().trim().min(1).default('0.0.0.0'),
});

export type TemporalEnv = z.infer<typeof temporalSchema>;
export type WorkerEnv = z.infer<typeof workerSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses `env` with `schema`, or throws ConfigError naming each variable and what is wrong with it. */
export function parseEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv, what: string): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid ${what} configuration:\n${lines.join('\n')}`);
}

export function loadTemporalEnv(env: NodeJS.ProcessEnv = process.env): TemporalEnv {
  return parseEnv(temporalSchema, env, 'Temporal');
}

export function loadWorkerEnv(env: NodeJS.ProcessEnv = process.env): WorkerEnv {
  return parseEnv(workerSchema, env, 'worker');
}
