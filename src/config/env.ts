/**
 * Configuration from the environment, validated with zod so a missing or malformed
 * setting stops the process at start with a message naming the variable.
 */
import { z } from 'zod';
import { DEFAULT_FLOWROUTE_BASE_URL, DEFAULT_TASK_QUEUE, DEFAULT_TEMPORAL_UI_URL } from './constants';

const optionalText = z.string().trim().min(1).optional();

/** Connection settings themselves (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key, profiles) are read by @temporalio/envconfig. */
const temporalSchema = z.object({
  TEMPORAL_UI_URL: z.url().default(DEFAULT_TEMPORAL_UI_URL),
  CNAM_TASK_QUEUE: z.string().trim().min(1).default(DEFAULT_TASK_QUEUE),
});

const providersSchema = z
  .object({
    FLOWROUTE_ACCESS_KEY: optionalText,
    FLOWROUTE_SECRET_KEY: optionalText,
    FLOWROUTE_BASE_URL: z.url().default(DEFAULT_FLOWROUTE_BASE_URL),
    TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-f]{32}$/, 'must be AC followed by 32 hex digits').optional(),
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_API_KEY_SID: z.string().regex(/^SK[0-9a-f]{32}$/, 'must be SK followed by 32 hex digits').optional(),
    TWILIO_API_KEY_SECRET: optionalText,
    /** Sends every Twilio call to this origin instead of Twilio's hosts (the sandbox). */
    TWILIO_BASE_URL: z.url().optional(),
    /** How long one provider HTTP call may take; below the activities' 30 s so the client, not Temporal, gives up first. */
    CNAM_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(25_000).default(15_000),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.FLOWROUTE_ACCESS_KEY) !== Boolean(env.FLOWROUTE_SECRET_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['FLOWROUTE_SECRET_KEY'], message: 'FLOWROUTE_ACCESS_KEY and FLOWROUTE_SECRET_KEY go together: set both or neither' });
    }
    if (Boolean(env.TWILIO_API_KEY_SID) !== Boolean(env.TWILIO_API_KEY_SECRET)) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_API_KEY_SECRET'], message: 'TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET go together: set both or neither' });
    }
    const twilioAuth = Boolean(env.TWILIO_AUTH_TOKEN) || Boolean(env.TWILIO_API_KEY_SID);
    if (twilioAuth && !env.TWILIO_ACCOUNT_SID) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_ACCOUNT_SID'], message: 'TWILIO_ACCOUNT_SID is required with Twilio credentials' });
    }
  });

export type TemporalEnv = z.infer<typeof temporalSchema>;
export type ProvidersEnv = z.infer<typeof providersSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function parse<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv, what: string): T {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid ${what} configuration:\n${lines.join('\n')}`);
}

export function loadTemporalEnv(env: NodeJS.ProcessEnv = process.env): TemporalEnv {
  return parse(temporalSchema, env, 'Temporal');
}

export function loadProvidersEnv(env: NodeJS.ProcessEnv = process.env): ProvidersEnv {
  return parse(providersSchema, env, 'provider');
}
