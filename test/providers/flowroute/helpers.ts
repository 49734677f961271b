import assert from 'node:assert/strict';
import { FlowrouteClient, type FlowrouteClientOptions } from '../../../src/providers/flowroute/client';
import { FlowrouteApiError } from '../../../src/providers/flowroute/errors';
import { startFlowrouteSandbox, type StartFlowrouteSandboxOptions } from '../../../dev/sandbox/flowroute';

export const ACCESS_KEY = 'test-access-key';
export const SECRET_KEY = 'test-secret-Zq9x7';
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A hand-driven clock so review timing is decided by the test, not by wall time. */
export function manualClock(start = Date.UTC(2025, 0, 6, 12, 0, 0)) {
  let t = start;
  return {
    now: () => t,
    advance: (ms: number) => {
      t += ms;
    },
    start,
  };
}

/** A sandbox on a random port with test credentials. */
export function startSandbox(options: StartFlowrouteSandboxOptions = {}) {
  return startFlowrouteSandbox({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, port: 0, ...options });
}

export function clientFor(baseUrl: string, options: Partial<FlowrouteClientOptions> = {}): FlowrouteClient {
  return new FlowrouteClient({ baseUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, ...options });
}

export const basicAuthHeader = (user = ACCESS_KEY, pass = SECRET_KEY) =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

/** Raw request to the sandbox with valid credentials unless told otherwise. */
export function rawFetch(url: string, init: RequestInit & { auth?: string | null } = {}): Promise<Response> {
  const { auth = basicAuthHeader(), headers, ...rest } = init;
  const h = new Headers(headers);
  if (auth !== null) h.set('Authorization', auth);
  return fetch(url, { ...rest, headers: h });
}

/** Awaits a rejection and hands back the FlowrouteApiError for field-by-field assertions. */
export async function apiError(promise: Promise<unknown>): Promise<FlowrouteApiError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof FlowrouteApiError, `expected FlowrouteApiError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
