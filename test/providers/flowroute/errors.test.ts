import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import type { RunningFlowrouteSandbox } from '../../../dev/sandbox/flowroute';
import type { FlowrouteClient } from '../../../src/providers/flowroute/client';
import { ACCESS_KEY, SECRET_KEY, UUID_V4, apiError, clientFor, startSandbox } from './helpers';

describe('errors from the sandbox', () => {
  let sandbox: RunningFlowrouteSandbox;
  let client: FlowrouteClient;

  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: 0 });
    client = clientFor(sandbox.url);
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test('a wrong secret is a non-retryable 401 that never shows either secret', async () => {
    const wrongSecret = 'wrong-secret-Kp3m';
    const bad = clientFor(sandbox.url, { secretKey: wrongSecret });
    const err = await apiError(bad.createCnam('Bob Law'));
    assert.equal(err.status, 401);
    assert.equal(err.title, 'Unauthorized');
    assert.equal(err.detail, 'Authentication failed.');
    assert.equal(err.message, 'Flowroute 401 Unauthorized: Authentication failed.');
    assert.equal(err.retryable, false);
    assert.match(err.errorId ?? '', UUID_V4);
    for (const text of [err.message, err.stack ?? '', inspect(err), JSON.stringify(err), inspect(bad)]) {
      assert.ok(!text.includes(wrongSecret), 'secret leaked');
    }
    assert.ok(!inspect(client).includes(SECRET_KEY), 'secret visible when the client is logged');
    assert.equal(sandbox.snapshot().records.length, 0);
  });

  for (const status of [500, 503]) {
    test(`an injected ${status} is retryable and the next call succeeds`, async () => {
      sandbox.injectFault({ method: 'POST', path: '/v2/cnams', status, count: 1 });
      const err = await apiError(client.createCnam('Retry Co'));
      assert.equal(err.status, status);
      assert.equal(err.retryable, true);
      assert.equal(err.retryAfterMs, null);
      assert.equal((await client.createCnam('Retry Co')).value, 'RETRY CO');
    });
  }

  test('a 429 with Retry-After is retryable and carries retryAfterMs', async () => {
    sandbox.injectFault({ status: 429, count: 2, retryAfterSeconds: 7 });
    for (let i = 0; i < 2; i++) {
      const err = await apiError(client.listCnams());
      assert.equal(err.status, 429);
      assert.equal(err.title, 'Too Many Requests');
      assert.equal(err.retryable, true);
      assert.equal(err.retryAfterMs, 7000);
    }
    assert.deepEqual((await client.listCnams()).records, []);
  });

  test('faults injected over HTTP match by method and path prefix and can be cleared', async () => {
    const post = (body: unknown) =>
      fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(body) });
    assert.equal((await post({ method: 'GET', path: '/v2/numbers', status: 503, count: 5 })).status, 201);
    assert.equal((await post({ path: '/v2/numbers' })).status, 400);
    assert.equal((await apiError(client.getNumber('12065550100'))).status, 503);
    assert.equal((await client.createCnam('Unaffected')).value, 'UNAFFECTED');
    assert.equal(sandbox.snapshot().faults[0]?.remaining, 4);
    assert.equal((await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' })).status, 204);
    assert.equal((await client.getNumber('12065550100')).cnamPresetId, null);
  });

  test('a response slower than timeoutMs is a retryable timeout with no status', async () => {
    const quick = clientFor(sandbox.url, { timeoutMs: 150 });
    sandbox.injectFault({ method: 'GET', path: '/v2/cnams', delayMs: 5000, status: 200 });
    const started = Date.now();
    const err = await apiError(quick.listCnams());
    assert.ok(Date.now() - started < 2000, 'the client waited for the slow response');
    assert.equal(err.status, null);
    assert.equal(err.title, 'Timeout');
    assert.equal(err.retryable, true);
    assert.match(err.message, /within 150 ms/);
  });

  test('a slow but successful response within timeoutMs is fine', async () => {
    sandbox.injectFault({ method: 'GET', delayMs: 100 });
    assert.deepEqual((await clientFor(sandbox.url, { timeoutMs: 2000 }).listCnams()).records, []);
  });
});

describe('transport failures and unexpected bodies', () => {
  let server: Server;
  let baseUrl: string;
  // What the fake server answers next: status, content type, body.
  let reply: [number, string, string] = [200, 'application/json', '{}'];

  before(async () => {
    server = createServer((_req, res) => {
      const [status, type, body] = reply;
      res.writeHead(status, { 'Content-Type': type }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('a refused connection is a retryable network error with no status', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await apiError(clientFor(`http://127.0.0.1:${port}`).getCnam('1'));
    assert.equal(err.status, null);
    assert.equal(err.title, 'Network error');
    assert.equal(err.retryable, true);
    assert.match(err.message, /ECONNREFUSED/);
  });

  test('an HTML 502 is retryable and names what came back', async () => {
    reply = [502, 'text/html', '<html><body>Bad Gateway</body></html>'];
    const err = await apiError(clientFor(baseUrl).getCnam('1'));
    assert.equal(err.status, 502);
    assert.equal(err.title, 'Unexpected response');
    assert.equal(err.retryable, true);
    assert.match(err.message, /without an errors document \(text\/html: <html>/);
  });

  test('an HTML 404 is not retryable', async () => {
    reply = [404, 'text/html', '<h1>Not Found</h1>'];
    const err = await apiError(clientFor(baseUrl).getCnam('1'));
    assert.equal(err.status, 404);
    assert.equal(err.retryable, false);
  });

  test('a 200 that is not JSON is a non-retryable error', async () => {
    reply = [200, 'text/plain', 'OK'];
    const err = await apiError(clientFor(baseUrl).getCnam('1'));
    assert.equal(err.status, 200);
    assert.equal(err.retryable, false);
    assert.match(err.message, /not JSON \(text\/plain: OK\)/);
  });

  test('a 200 whose document does not match is a non-retryable error naming the field', async () => {
    reply = [200, 'application/vnd.api+json', JSON.stringify({ data: { id: '1', type: 'cnam' } })];
    const err = await apiError(clientFor(baseUrl).getCnam('1'));
    assert.equal(err.retryable, false);
    assert.match(err.message, /unexpected document: data\.attributes/);
  });

  test('all error details are joined, the first entry gives title and id, a 403 with empty detail reads cleanly', async () => {
    reply = [
      422,
      'application/vnd.api+json',
      JSON.stringify({
        errors: [
          { id: 'e1', status: 422, title: 'Invalid CNAM value', detail: 'First.' },
          { id: 'e2', status: 422, title: 'x', detail: 'Second.' },
        ],
      }),
    ];
    const err = await apiError(clientFor(baseUrl).createCnam('X'));
    assert.equal(err.message, 'Flowroute 422 Invalid CNAM value: First.; Second.');
    assert.equal(err.errorId, 'e1');
    reply = [
      403,
      'application/vnd.api+json',
      JSON.stringify({ errors: [{ id: 'e3', status: 403, title: 'ActionNotAuthorizedError', detail: '' }] }),
    ];
    const forbidden = await apiError(clientFor(baseUrl).createCnam('X'));
    assert.equal(forbidden.message, 'Flowroute 403 ActionNotAuthorizedError');
    assert.equal(forbidden.retryable, false);
  });

  test('a server that echoes the secret has it redacted from the error', async () => {
    reply = [
      400,
      'application/json',
      JSON.stringify({
        errors: [{ status: 400, title: 'Bad Request', detail: `bad key ${ACCESS_KEY}:${SECRET_KEY}` }],
      }),
    ];
    const err = await apiError(clientFor(baseUrl).getCnam('1'));
    assert.ok(!err.message.includes(SECRET_KEY));
    assert.match(err.message, /\[redacted\]/);
  });
});
