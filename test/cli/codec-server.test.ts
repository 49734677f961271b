/**
 * `cnam codec-server`: the real command over HTTP (round trip, the Web UI's CORS preflight, SIGTERM),
 * its refusals (exit 2), and the app's bearer auth and errors without a socket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { codecFromEnv } from '../../src/temporal/data-converter';
import { createCodecServerApp } from '../../src/temporal/codec-server';
import { freePort, runCnam } from '../helpers/cli';

const CNAM = resolve(__dirname, '..', '..', 'bin', 'cnam.js');
const KEY_MATERIAL = randomBytes(32).toString('base64');
const KEYS = `k1:${KEY_MATERIAL}`;
const UI_ORIGIN = 'http://localhost:8233';
const input = { displayName: 'Harbor Dental', notificationEmail: 'ops@harbor.example' };

/** A payload as the codec protocol carries it: metadata values and data in base64. */
function jsonPayload(value: unknown) {
  const p = defaultPayloadConverter.toPayload(value);
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    data: Buffer.from(p.data ?? []).toString('base64'),
  };
}

function decodedValue(payload: { metadata: Record<string, string>; data: string }): unknown {
  return defaultPayloadConverter.fromPayload({
    metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(payload.data, 'base64'),
  });
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', ...headers },
    body: JSON.stringify(body),
  });

describe('cnam codec-server (the command)', () => {
  let child: ChildProcess;
  let url: string;
  let stdout = '';
  let stderr = '';
  let exited: Promise<number | null>;

  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [CNAM, 'codec-server', '--port', String(port)], {
      env: { ...process.env, CNAM_CODEC_KEYS: KEYS, CNAM_CODEC_SERVER_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    exited = new Promise((done) => child.once('exit', (code) => done(code)));
    const deadline = Date.now() + 60_000;
    while (!stdout.includes('codec server listening')) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`codec-server did not start (exit ${child.exitCode}):\n${stdout}\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  test('encode then decode over HTTP gives the payloads back; the encoded ones hold no plaintext', async () => {
    const encoded = await post(`${url}/encode`, { payloads: [jsonPayload(input), jsonPayload(42)] });
    assert.equal(encoded.status, 200);
    const { payloads } = (await encoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(payloads.length, 2);
    const first = payloads[0]!;
    assert.equal(Buffer.from(first.metadata.encoding!, 'base64').toString(), 'binary/encrypted');
    assert.equal(Buffer.from(first.metadata['encryption-key-id']!, 'base64').toString(), 'k1');
    assert.ok(!Buffer.from(first.data, 'base64').includes('Harbor Dental'));
    // Any prefix before the last segment is accepted, as the protocol asks.
    const decoded = await post(`${url}/some/prefix/decode`, { payloads });
    assert.equal(decoded.status, 200);
    const back = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.deepEqual(back.payloads.map(decodedValue), [input, 42]);
    assert.equal(decoded.headers.get('access-control-allow-origin'), null, 'no CORS headers without an Origin');
  });

  test("the Web UI's preflight is answered for its origin with the headers it sends; other origins get none", async () => {
    const preflight = (origin: string) =>
      fetch(`${url}/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type,x-namespace,authorization',
        },
      });
    const ok = await preflight(UI_ORIGIN);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), UI_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-methods') ?? '', /POST/);
    const allowed = (ok.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    for (const h of ['content-type', 'x-namespace', 'authorization']) assert.ok(allowed.includes(h), h);
    assert.equal(
      (await preflight('http://127.0.0.1:8233')).headers.get('access-control-allow-origin'),
      'http://127.0.0.1:8233',
    );
    assert.equal((await preflight('https://evil.example')).headers.get('access-control-allow-origin'), null);
    const actual = await post(`${url}/decode`, { payloads: [] }, { Origin: UI_ORIGIN });
    assert.equal(actual.headers.get('access-control-allow-origin'), UI_ORIGIN);
  });

  test('a body that is not Payloads is 400; SIGTERM ends it with exit 0', async () => {
    const bad = await post(`${url}/decode`, { payloads: [{ data: '***' }] });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: string }).error, 'invalid-request');
    assert.equal((await post(`${url}/other`, { payloads: [] })).status, 404);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    assert.ok(!stdout.includes(KEY_MATERIAL) && !stderr.includes(KEY_MATERIAL), 'the key is never printed');
  });
});

describe('cnam codec-server (refusals)', () => {
  test('without CNAM_CODEC_KEYS: exit 2 saying so', async () => {
    // runCnam merges over process.env; an undefined value leaves the variable out of the child's environment.
    const run = await runCnam(['codec-server', '--port', '0'], { CNAM_CODEC_KEYS: undefined as unknown as string });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /CNAM_CODEC_KEYS is not set/);
  });

  test('a malformed key: exit 2 naming the variable, not the key', async () => {
    const short = randomBytes(16).toString('base64');
    const run = await runCnam(['codec-server', '--port', '0'], { CNAM_CODEC_KEYS: `k1:${short}` });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /CNAM_CODEC_KEYS.*"k1" is 16 bytes/);
    assert.ok(!run.stderr.includes(short));
  });
});

describe('codec server app (no socket)', () => {
  const codec = codecFromEnv({ CNAM_CODEC_KEYS: KEYS })!;
  const token = 'a-codec-token-of-24-chars';
  const app = createCodecServerApp({ codec, corsOrigins: [UI_ORIGIN], token });
  const request = (path: string, init: RequestInit = {}) => app.request(`http://codec${path}`, init);
  const body = (value: unknown) => JSON.stringify({ payloads: [jsonPayload(value)] });

  test('with CNAM_CODEC_SERVER_TOKEN set: 401 without it or with a wrong one, 200 with it; preflight needs none', async () => {
    const json = { 'Content-Type': 'application/json' };
    const none = await request('/encode', { method: 'POST', headers: { ...json, Origin: UI_ORIGIN }, body: body(1) });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    // The browser can read the refusal: it carries the CORS headers too.
    assert.equal(none.headers.get('access-control-allow-origin'), UI_ORIGIN);
    const wrong = await request('/encode', {
      method: 'POST',
      headers: { ...json, Authorization: 'Bearer not-the-token-at-all' },
      body: body(1),
    });
    assert.equal(wrong.status, 401);
    const right = await request('/encode', {
      method: 'POST',
      headers: { ...json, Authorization: `Bearer ${token}` },
      body: body(1),
    });
    assert.equal(right.status, 200);
    const preflight = await request('/decode', {
      method: 'OPTIONS',
      headers: { Origin: UI_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 204);
  });

  test('a payload of an unknown key is 422 naming the key id', async () => {
    const other = codecFromEnv({ CNAM_CODEC_KEYS: `retired:${randomBytes(32).toString('base64')}` })!;
    const [encrypted] = await other.encode([defaultPayloadConverter.toPayload(input)]);
    const res = await request('/decode', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({
        payloads: [
          {
            metadata: Object.fromEntries(
              Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
            ),
            data: Buffer.from(encrypted!.data!).toString('base64'),
          },
        ],
      }),
    });
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { message: string }).message, /"retired"/);
  });
});
