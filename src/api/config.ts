/**
 * The API service's environment, validated with zod (a bad value stops the process naming the
 * variable), and `runApiFromEnv` behind `cnam serve` / `npm run dev`.
 */
import { z } from 'zod';
import { ConfigError, loadTemporalEnv } from '../config/env';
import type { AnyProviderModule } from '../core/provider';
import { PROVIDERS } from '../providers';
import { createLogger } from '../logging';
import { connectClient } from '../temporal/connection';
import { installTracing, shutdownTracing } from '../telemetry/tracing';
import { startApiServer } from './server';

const apiSchema = z
  .object({
    CNAM_API_TOKEN: z.string().trim().min(16, 'must be at least 16 characters'),
    CNAM_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    CNAM_API_HOST: z.string().trim().min(1).default('127.0.0.1'),
    /** The full public URL providers POST status callbacks to; its path is the route served. */
    CNAM_PUBLIC_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  })
  .passthrough()
  .superRefine((env, ctx) => {
    if (!env.CNAM_PUBLIC_WEBHOOK_URL) return;
    for (const provider of PROVIDERS as readonly AnyProviderModule[]) {
      const variable = provider.callbackSecretVariable;
      if (variable && !env[variable]) {
        ctx.addIssue({
          code: 'custom',
          path: [variable],
          message: `is required with CNAM_PUBLIC_WEBHOOK_URL: ${provider.label}'s callbacks are verified with it`,
        });
      }
    }
  });

export interface ApiEnvConfig {
  CNAM_API_TOKEN: string;
  CNAM_API_PORT: number;
  CNAM_API_HOST: string;
  CNAM_PUBLIC_WEBHOOK_URL?: string | undefined;
  /** Each provider's callback-signing secret, by provider id, when a public webhook URL is set. */
  callbackSecrets: Record<string, string>;
}

/** The API's settings from `env`; throws ConfigError naming every bad variable. */
export function loadApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnvConfig {
  const result = apiSchema.safeParse(env);
  if (result.success) {
    const { CNAM_API_TOKEN, CNAM_API_PORT, CNAM_API_HOST, CNAM_PUBLIC_WEBHOOK_URL } = result.data;
    const callbackSecrets: Record<string, string> = {};
    for (const provider of PROVIDERS as readonly AnyProviderModule[]) {
      const secret = provider.callbackSecretVariable && env[provider.callbackSecretVariable]?.trim();
      if (CNAM_PUBLIC_WEBHOOK_URL && secret) callbackSecrets[provider.id] = secret;
    }
    return {
      CNAM_API_TOKEN,
      CNAM_API_PORT,
      CNAM_API_HOST,
      ...(CNAM_PUBLIC_WEBHOOK_URL && { CNAM_PUBLIC_WEBHOOK_URL }),
      callbackSecrets,
    };
  }
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid API configuration:\n${lines.join('\n')}`);
}

/** Connects to Temporal, serves the API until SIGINT/SIGTERM, then closes the server and the connection. */
export async function runApiFromEnv(): Promise<void> {
  const logger = createLogger('cnam-api');
  const apiEnv = loadApiEnv();
  const { CNAM_TASK_QUEUE: taskQueue } = loadTemporalEnv();
  installTracing({ serviceName: 'cnam-api' });
  const { client, connection, target } = await connectClient();
  const [secret] = Object.values(apiEnv.callbackSecrets);
  const webhook =
    apiEnv.CNAM_PUBLIC_WEBHOOK_URL && secret
      ? { publicUrl: apiEnv.CNAM_PUBLIC_WEBHOOK_URL, authToken: secret }
      : undefined;
  const server = await startApiServer({
    port: apiEnv.CNAM_API_PORT,
    host: apiEnv.CNAM_API_HOST,
    client,
    taskQueue,
    token: apiEnv.CNAM_API_TOKEN,
    namespace: target.namespace,
    webhook,
    logger,
  });
  logger.info(
    {
      url: server.url,
      temporal: target.address,
      namespace: target.namespace,
      taskQueue,
      webhook: webhook?.publicUrl ?? null,
    },
    'API listening',
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'API stopping');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await connection.close();
  await shutdownTracing();
}
