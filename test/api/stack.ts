/** The API's test helpers: the shared stack (test/helpers/stack.ts), the app without a socket, and a request helper. */
import pino from 'pino';
import { createApiApp } from '../../src/api';
import type { ApiDeps } from '../../src/api/context';
import type { Stack } from '../helpers/stack';

export { startStack, type Stack } from '../helpers/stack';

export const TOKEN = 'test-token-0123456789abcdef';

/** The app without a socket, logging JSON lines into `logs`. */
export function testApp(stack: Pick<Stack, 'client' | 'taskQueue'>, overrides: Partial<ApiDeps> = {}) {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const app = createApiApp({ client: stack.client, taskQueue: stack.taskQueue, token: TOKEN, namespace: 'default', logger, ...overrides });
  return { app, logs };
}

type App = ReturnType<typeof testApp>['app'];

/** A request as a client sends it: JSON body, bearer token unless `token: null`. */
export async function call(app: App, method: string, path: string, options: { json?: unknown; body?: string; token?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? TOKEN}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? (JSON.parse(text) as any) : null };
}
