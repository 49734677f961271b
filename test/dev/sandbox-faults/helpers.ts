import assert from 'node:assert/strict';

/** Every message and code down an error's `cause` chain, for matching however the client wrapped it. */
function describeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { message, code } = e as { message?: unknown; code?: unknown };
    parts.push(String(message ?? e), String(code ?? ''));
  }
  return parts.join(' | ');
}

/** Awaits a rejection that is a dropped connection, as fetch (undici) or the Twilio SDK (axios) report one. */
export async function expectConnectionError(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    (value) => assert.fail(`expected a connection error, got ${JSON.stringify(value)}`),
    (e: unknown) => e,
  );
  const text = describeChain(err);
  assert.match(text, /ECONNRESET|socket hang up|other side closed/, text);
  return text;
}

/** Polls until `probe` returns something, or fails after `ms`. */
export async function eventually<T>(probe: () => T | undefined, what: string, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `n` requests one after another and returns their statuses. */
export async function statuses(n: number, request: () => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const res = await request();
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
