/** The HTTP API: `createApiApp` (no socket), `startApiServer`, and `runApiFromEnv` for `cnam serve`. */
export { createApiApp } from './app';
export { startApiServer, type RunningApiServer } from './server';
export { loadApiEnv, runApiFromEnv, type ApiEnvConfig } from './config';
export { ApiError, type ErrorBody } from './errors';
export type { ApiDeps, WebhookConfig } from './context';
