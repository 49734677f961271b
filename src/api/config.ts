/**
 * The API service's environment, validated with zod (a bad value stops the process naming the
 * variable), and `runApiFromEnv` behind `cnam serve` / `npm run dev`.
 */
import { z } from 'zod';
import { ConfigError, loadTemporalEnv } from '../config/env';
import { createLogger } from '../logging';
import { connectClient } from '../temporal/connection';
import { startApiServer } from './server';

const apiSchema = z
  .object({
    CNAM_API_TOKEN: z.string().trim().min(16, 'must be at least 16 characters'),
    CNAM_API_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    CNAM_API_HOST: z.string().trim().min(1).default('127.0.0.1'),
    /** The full URL Twilio POSTs Trust Product status callbacks to; its path is the route served. */
    CNAM_PUBLIC_WEBHOOK_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    /** Twilio signs callbacks with the account's auth token (even when the worker uses an API key). */
    TWILIO_AUTH_TOKEN: z.string().trim().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.CNAM_PUBLIC_WEBHOOK_URL && !env.TWILIO_AUTH_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TWILIO_AUTH_TOKEN'], message: 'is required with CNAM_PUBLIC_WEBHOOK_URL: status callbacks are verified with it' });
    }
  });

export type ApiEnvConfig = z.infer<typeof apiSchema>;

/** The API's settings from `env`; throws ConfigError naming every bad variable. */
export function loadApiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnvConfig {
  const result = apiSchema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`Invalid API configuration:\n${lines.join('\n')}`);
}

/** Connects to Temporal, serves the API until SIGINT/SIGTERM, then closes the server and the connection. */
export async function runApiFromEnv(): Promise<void> {
  const logger = createLogger('cnam-api');
  const apiEnv = loadApiEnv();
  const { CNAM_TASK_QUEUE: taskQueue } = loadTemporalEnv();
  const { client, connection, target } = await connectClient();
  const webhook = apiEnv.CNAM_PUBLIC_WEBHOOK_URL && apiEnv.TWILIO_AUTH_TOKEN ? { publicUrl: apiEnv.CNAM_PUBLIC_WEBHOOK_URL, authToken: apiEnv.TWILIO_AUTH_TOKEN } : undefined;
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
  logger.info({ url: server.url, temporal: target.address, namespace: target.namespace, taskQueue, webhook: webhook?.publicUrl ?? null }, 'API listening');
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
}
