/** What every handler of the API can reach: its dependencies and the request's own values. */
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';

/** A provider's status-callback verification: the secret it signs with and the public URL registered with it. */
export interface WebhookConfig {
  authToken: string;
  /** Full public URL the provider calls (what it signs); its path is the route served. */
  publicUrl: string;
}

export interface ApiDeps {
  client: Client;
  taskQueue: string;
  /** Bearer token required on /v1. */
  token: string;
  namespace: string;
  webhook?: WebhookConfig | undefined;
  logger: Logger;
}

/** Hono variables: the request logger and, once known, the workflow the request concerns. */
export type ApiEnv = { Variables: { logger: Logger; workflowId?: string } };
