/** The API's test helpers: the shared stack (test/helpers/stack.ts), the app with and without a socket, and request helpers. */
import { connect } from 'node:net';
import pino from 'pino';
import { createApiApp, startApiServer } from '../../src/api';
import type { ApiDeps } from '../../src/api/context';
import type { Stack } from '../helpers/stack';

export { startStack, type Stack } from '../helpers/stack';

export const TOKEN = 'test-token-0123456789abcdef';

/** The app without a socket, logging JSON lines into `logs`. */
export function testApp(stack: Pick<Stack, 'client' | 'taskQueue'>, overrides: Partial<ApiDeps> = {}) {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const app = createApiApp({
    client: stack.client,
    taskQueue: stack.taskQueue,
    token: TOKEN,
    namespace: 'default',
    logger,
    ...overrides,
  });
  return { app, logs };
}

type App = ReturnType<typeof testApp>['app'];

/** A request as a client sends it: JSON body, bearer token unless `token: null`. */
export async function call(
  app: App,
  method: string,
  path: string,
  options: { json?: unknown; body?: string; token?: string | null; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== null) headers.Authorization = `Bearer ${options.token ?? TOKEN}`;
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  }
  const res = await app.request(path, { method, headers, ...(body !== undefined && { body }) });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the API answered
    body: text ? (JSON.parse(text) as any) : null,
  };
}

/** The API on a real socket (port 0: any free one), logging JSON lines into `logs`. */
export async function serveApi(stack: Pick<Stack, 'client' | 'taskQueue'>, overrides: Partial<ApiDeps> = {}, port = 0) {
  const logs: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const server = await startApiServer({
    port,
    host: '127.0.0.1',
    client: stack.client,
    taskQueue: stack.taskQueue,
    token: TOKEN,
    namespace: 'default',
    logger,
    ...overrides,
  });
  return { server, logs };
}

/**
 * Sends `head` (request line and headers, no blank line) and then `body` as written, over a plain
 * socket: nothing adds a Content-Length the test did not write. Resolves with the status and body.
 */
export function rawRequest(
  port: number,
  head: string,
  body = '',
): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    // The server may answer (413) and close before it has read everything: what it sent still counts.
    socket.on('error', (err) => (received ? undefined : reject(err)));
    socket.on('close', () => {
      const [headers = '', text = ''] = received.split('\r\n\r\n', 2);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(headers)?.[1] ?? 0);
      resolve({ status, headers, body: text });
    });
    socket.write(`${head}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n${body}`);
  });
}

/** `chunks` in HTTP/1.1 chunked encoding, with the final empty chunk. */
export const chunked = (...chunks: string[]) =>
  chunks.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n';
