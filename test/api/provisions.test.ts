/**
 * The HTTP API through `app.request` (no socket) against a real dev server, worker and sandboxes.
 * Reviews never decide on their own here, so provisionings stay waiting for as long as a test needs.
 * Provisionings that must get past the first check use the sandbox account's numbers
 * (12065550100-0102, 13125550100): the workflow refuses any other number before creating anything.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { eventually } from '../helpers/temporal';
import { call, chunked, rawRequest, serveApi, startStack, testApp, TOKEN, type Stack } from './stack';

let stack: Stack;
let app: ReturnType<typeof testApp>['app'];
let logs: ReturnType<typeof testApp>['logs'];

before(async () => {
  stack = await startStack({ autoReview: false });
  ({ app, logs } = testApp(stack));
});
after(() => stack?.close());

const WAITING = { approvalPollInitial: '1h', approvalPollMax: '2h', associationWait: '1s' };
const flowroute = (number: string, displayName: string) => ({ provider: 'flowroute', number, displayName, ...WAITING });
const problemKeys = (body: { problems?: { field: string; rule: string }[] }) =>
  (body.problems ?? []).map((p) => `${p.field}:${p.rule}`).sort();

async function waitForStep(id: string, step: string) {
  return eventually(async () => {
    const res = await call(app, 'GET', `/v1/provisions/${id}`);
    return res.body?.status?.step === step ? res.body : undefined;
  }, `${id} at ${step}`);
}

describe('auth', () => {
  test('401 without a token, with a wrong one, and with a wrong scheme', async () => {
    for (const options of [
      { token: null },
      { token: 'wrong-token-0123456789' },
      { token: null, headers: { Authorization: 'Basic dGVzdA==' } },
    ]) {
      const res = await call(app, 'GET', '/v1/provisions', options);
      assert.equal(res.status, 401);
      assert.equal(res.body.error, 'unauthorized');
      assert.match(res.headers.get('WWW-Authenticate') ?? '', /^Bearer/);
    }
  });
});

describe('POST /v1/provisions', () => {
  test('201 starts, the same provider and number again is 200 alreadyRunning; logs carry the workflowId', async () => {
    const first = await call(app, 'POST', '/v1/provisions', { json: flowroute('(206) 555-0100', 'Pacific Dental') });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.body.workflowId, 'cnam-flowroute-12065550100');
    assert.equal(first.body.alreadyRunning, false);
    assert.equal(first.headers.get('Location'), '/v1/provisions/cnam-flowroute-12065550100');
    const again = await call(app, 'POST', '/v1/provisions', { json: flowroute('+12065550100', 'Pacific Dental') });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(
      { id: again.body.workflowId, running: again.body.alreadyRunning, runId: again.body.runId },
      { id: first.body.workflowId, running: true, runId: null },
    );
    const lines = logs.filter((l) => l.path === '/v1/provisions' && l.method === 'POST');
    assert.deepEqual(lines.map((l) => [l.status, l.workflowId]).slice(-2), [
      [201, 'cnam-flowroute-12065550100'],
      [200, 'cnam-flowroute-12065550100'],
    ]);
  });

  test('a name breaking the rules is 400 naming each field and rule, nothing started', async () => {
    const res = await call(app, 'POST', '/v1/provisions', { json: flowroute('+12065550111', 'Seattle Police') });
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid-request');
    assert.deepEqual(problemKeys(res.body), ['displayName:not-misleading']);
    assert.equal((await call(app, 'GET', '/v1/provisions/cnam-flowroute-12065550111')).status, 404);
  });

  test('Twilio fields and a bad number are named; structure errors carry the zod code', async () => {
    const twilio = {
      provider: 'twilio',
      phoneNumber: '+18005550100',
      businessProfileSid: 'BU123',
      displayName: 'Bob & Sons',
      notificationEmail: 'nope',
    };
    const rules = await call(app, 'POST', '/v1/provisions', { json: twilio });
    assert.equal(rules.status, 400);
    // The service's problems map straight through, each on the field the client sent.
    assert.deepEqual(problemKeys(rules.body), [
      'businessProfileSid:format',
      'displayName:allowed-characters',
      'notificationEmail:format',
      'phoneNumber:not-toll-free',
    ]);
    const shape = await call(app, 'POST', '/v1/provisions', {
      json: { ...flowroute('+12065550112', 'Bob Law'), number: 12065550112, approvalTimeout: 'soon', extra: 1 },
    });
    assert.equal(shape.status, 400);
    assert.deepEqual(problemKeys(shape.body), [
      'approvalTimeout:duration',
      'extra:unrecognized_keys',
      'number:invalid_type',
    ]);
  });

  test('malformed JSON, an unknown provider and a missing body are 400/415 with a JSON error', async () => {
    const malformed = await call(app, 'POST', '/v1/provisions', {
      body: '{"provider":',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.error, 'invalid-request');
    const unknown = await call(app, 'POST', '/v1/provisions', {
      json: { provider: 'bandwidth', number: '+12065550113', displayName: 'Bob Law' },
    });
    assert.equal(unknown.status, 400);
    assert.deepEqual(problemKeys(unknown.body), ['provider:invalid_union']);
    const noBody = await call(app, 'POST', '/v1/provisions', {
      body: 'provider=flowroute',
      headers: { 'Content-Type': 'text/plain' },
    });
    assert.equal(noBody.status, 415);
    assert.equal(noBody.body.error, 'unsupported-media-type');
  });
});

describe('GET, list, cancel, check-now', () => {
  test('GET reports state and the workflow status; an unknown id is 404, a malformed one 400', async () => {
    await call(app, 'POST', '/v1/provisions', { json: flowroute('+12065550101', 'Lakeside Bagels') });
    const report = await waitForStep('cnam-flowroute-12065550101', 'awaiting-approval');
    assert.equal(report.state, 'running');
    assert.equal(report.status.number, '+12065550101');
    assert.match(report.status.recordId, /^\d+$/);
    const unknown = await call(app, 'GET', '/v1/provisions/cnam-flowroute-19999999999');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'not-found');
    const malformed = await call(app, 'GET', '/v1/provisions/some-other-workflow');
    assert.equal(malformed.status, 400);
    assert.deepEqual(problemKeys(malformed.body), ['id:invalid_format']);
  });

  test('list filters by provider, number, step and state (visibility is eventually consistent)', async () => {
    await call(app, 'POST', '/v1/provisions', { json: flowroute('+12065550102', 'Harbor Books') });
    const ids = async (query: string) =>
      ((await call(app, 'GET', `/v1/provisions?${query}`)).body.provisions as { workflowId: string }[]).map(
        (p) => p.workflowId,
      );
    const byNumber = await eventually(async () => {
      const found = await ids('number=206-555-0102');
      return found.length > 0 ? found : undefined;
    }, 'the provisioning by number');
    assert.deepEqual(byNumber, ['cnam-flowroute-12065550102']);
    assert.ok((await ids('provider=flowroute')).includes('cnam-flowroute-12065550102'));
    assert.deepEqual(await ids('provider=twilio&number=%2B12065550102'), []);
    await eventually(
      async () => (await ids('step=awaiting-approval&state=running')).includes('cnam-flowroute-12065550102'),
      'the step filter',
    );
    const [summary] = (await call(app, 'GET', '/v1/provisions?number=%2B12065550102')).body.provisions;
    assert.deepEqual(
      { ...summary, startedAt: typeof summary.startedAt },
      {
        workflowId: 'cnam-flowroute-12065550102',
        provider: 'flowroute',
        number: '+12065550102',
        displayName: 'Harbor Books',
        step: 'awaiting-approval',
        // Set from the `verifying` step on.
        showing: null,
        state: 'running',
        startedAt: 'string',
        closedAt: null,
      },
    );
    const bad = await call(app, 'GET', '/v1/provisions?provider=bandwidth&number=12&pageSize=0&colour=red');
    assert.equal(bad.status, 400);
    assert.deepEqual(problemKeys(bad.body), [
      'colour:unrecognized_keys',
      'pageSize:too_small',
      'provider:invalid_value',
    ]);
    const badNumber = await call(app, 'GET', '/v1/provisions?number=%2B18005550100');
    assert.deepEqual([badNumber.status, problemKeys(badNumber.body)], [400, ['number:not-toll-free']]);
  });

  test('check-now makes a waiting provisioning ask the provider at once', async () => {
    await call(app, 'POST', '/v1/provisions', { json: flowroute('+13125550100', 'Summit Dental') });
    await waitForStep('cnam-flowroute-13125550100', 'awaiting-approval');
    // The step is entered before the first check schedules the next one.
    const before = await eventually(async () => {
      const body = (await call(app, 'GET', '/v1/provisions/cnam-flowroute-13125550100')).body;
      return body.status.nextCheckAt ? body : undefined;
    }, 'the first nextCheckAt');
    const res = await call(app, 'POST', '/v1/provisions/cnam-flowroute-13125550100/check-now');
    assert.equal(res.status, 202, res.text);
    assert.deepEqual(res.body, { workflowId: 'cnam-flowroute-13125550100', signalled: true });
    // After the extra check the next one is scheduled twice as far out (1h → 2h): a new nextCheckAt.
    const after = await eventually(async () => {
      const body = (await call(app, 'GET', '/v1/provisions/cnam-flowroute-13125550100')).body;
      return body.status.nextCheckAt && body.status.nextCheckAt !== before.status.nextCheckAt ? body : undefined;
    }, 'a new nextCheckAt');
    const gap = Date.parse(after.status.nextCheckAt) - Date.now();
    assert.ok(gap > 90 * 60_000, `next check in ${gap} ms`);
  });

  test('cancel ends the provisioning cancelled; cancel or check-now afterwards is 409, unknown 404', {
    timeout: 240_000,
  }, async () => {
    // The sandbox account has four numbers: this one may still be waiting from the first test (200) or start now (201).
    await call(app, 'POST', '/v1/provisions', { json: flowroute('+12065550100', 'Cedar Clinic') });
    await waitForStep('cnam-flowroute-12065550100', 'awaiting-approval');
    const res = await call(app, 'POST', '/v1/provisions/cnam-flowroute-12065550100/cancel');
    assert.equal(res.status, 202, res.text);
    // Undoing its record takes a while (it looks again for a late write): a second cancel meanwhile is refused.
    const twice = await call(app, 'POST', '/v1/provisions/cnam-flowroute-12065550100/cancel');
    assert.deepEqual([twice.status, twice.body.error], [409, 'already-cancelling']);
    await eventually(
      async () => (await call(app, 'GET', '/v1/provisions/cnam-flowroute-12065550100')).body.state === 'cancelled',
      'state cancelled',
      200_000,
    );
    for (const action of ['cancel', 'check-now']) {
      const again = await call(app, 'POST', `/v1/provisions/cnam-flowroute-12065550100/${action}`);
      assert.deepEqual([again.status, again.body.error], [409, 'not-running']);
    }
    assert.equal((await call(app, 'POST', '/v1/provisions/cnam-flowroute-19999999998/cancel')).status, 404);
  });
});

describe('health and the OpenAPI document', () => {
  test('healthz answers; readyz is 200 with Temporal, 503 with a client on a dead address', async () => {
    assert.deepEqual((await call(app, 'GET', '/healthz', { token: null })).body, { status: 'ok' });
    const ready = await call(app, 'GET', '/readyz', { token: null });
    assert.deepEqual([ready.status, ready.body.status], [200, 'ready']);
    const dead = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    const { app: deadApp } = testApp({ client: dead, taskQueue: stack.taskQueue });
    const notReady = await call(deadApp, 'GET', '/readyz', { token: null });
    assert.deepEqual([notReady.status, notReady.body.error], [503, 'unavailable']);
  });

  test('/openapi.json lists every route with bearer security', async () => {
    const doc = (await call(app, 'GET', '/openapi.json', { token: null })).body;
    assert.match(doc.openapi, /^3\./);
    for (const path of [
      '/v1/provisions',
      '/v1/provisions/{id}',
      '/v1/provisions/{id}/cancel',
      '/v1/provisions/{id}/check-now',
      '/healthz',
      '/readyz',
    ]) {
      assert.ok(doc.paths[path], `${path} in the document`);
    }
    assert.deepEqual(doc.paths['/v1/provisions'].post.security, [{ bearer: [] }]);
    assert.ok(doc.components.schemas.ProvisionStart, 'named request schema');
  });

  test('/openapi.json says what the API enforces: bounds, patterns, formats and every error it answers', async () => {
    const doc = (await call(app, 'GET', '/openapi.json', { token: null })).body;
    const { FlowrouteStart, TwilioStart } = doc.components.schemas;
    const [asNumber, asString] = FlowrouteStart.properties.approvalTimeout.anyOf;
    assert.deepEqual([asNumber.minimum, asNumber.maximum], [1_000, 90 * 24 * 3600_000]);
    const durationPattern = new RegExp(asString.pattern);
    assert.ok(
      ['48h', '2 Days', '90s', '1.5H'].every((v) => durationPattern.test(v)) && !durationPattern.test('soon'),
      asString.pattern,
    );
    assert.equal(TwilioStart.properties.businessProfileSid.pattern, '^BU[0-9a-f]{32}$');
    assert.equal(TwilioStart.properties.notificationEmail.format, 'email');
    assert.ok(new RegExp(TwilioStart.properties.phoneNumber.pattern).test('+1 (206) 555-0100'));
    assert.equal(
      doc.paths['/v1/provisions/{id}'].get.parameters[0].schema.pattern,
      '^cnam-(flowroute|twilio)-[0-9]{8,15}$',
    );
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses).sort();
    assert.deepEqual(statuses('/v1/provisions', 'post'), ['200', '201', '400', '401', '409', '413', '415', '503']);
    assert.deepEqual(statuses('/v1/provisions/{id}/cancel', 'post'), ['202', '400', '401', '404', '409', '413', '503']);
    assert.deepEqual(statuses('/v1/provisions/{id}', 'get'), ['200', '400', '401', '404', '503']);
    // The documented error codes are the ones answered.
    assert.deepEqual(doc.components.schemas.UnauthorizedError.properties.error.enum, [
      (await call(app, 'GET', '/v1/provisions', { token: null })).body.error,
    ]);
    const badDuration = await call(app, 'POST', '/v1/provisions', {
      json: { ...flowroute('+12065550100', 'Bob Law'), approvalTimeout: 1e308 },
    });
    assert.deepEqual([badDuration.status, problemKeys(badDuration.body)], [400, ['approvalTimeout:duration']]);
    assert.match(badDuration.body.problems[0].message, /between 1s and 90d/);
  });

  test('an unknown route is a JSON 404', async () => {
    const res = await call(app, 'GET', '/v2/nothing');
    assert.deepEqual([res.status, res.body.error], [404, 'not-found']);
  });
});

describe('over a socket: bodies without a Content-Length (curl -X POST, chunked uploads)', () => {
  let served: Awaited<ReturnType<typeof serveApi>>;
  before(async () => {
    served = await serveApi(stack);
  });
  after(() => served?.server.close());
  const auth = `Authorization: Bearer ${TOKEN}`;
  const post = (path: string, ...headers: string[]) => [`POST ${path} HTTP/1.1`, ...headers].join('\r\n');

  test('a body-less POST is 401 without a token, 404 for an unknown provisioning; a DELETE is 405', async () => {
    const unauthenticated = await rawRequest(
      served.server.port,
      post('/v1/provisions/cnam-flowroute-12065550100/check-now'),
    );
    assert.equal(unauthenticated.status, 401, unauthenticated.body);
    for (const action of ['check-now', 'cancel']) {
      const res = await rawRequest(
        served.server.port,
        post(`/v1/provisions/cnam-flowroute-19999999997/${action}`, auth),
      );
      assert.deepEqual([res.status, JSON.parse(res.body).error], [404, 'not-found'], `${action}: ${res.body}`);
    }
    const deleted = await rawRequest(
      served.server.port,
      ['DELETE /v1/provisions/cnam-flowroute-19999999997 HTTP/1.1', auth].join('\r\n'),
    );
    assert.equal(deleted.status, 405, deleted.body);
    assert.match(deleted.headers, /^allow: GET$/im);
    assert.ok(!served.logs.some((l) => Number(l.status) >= 500), 'no 500 logged');
  });

  test('a chunked JSON body starts a provisioning; a chunked body over the limit is 413, not 500', async () => {
    const json = JSON.stringify(flowroute('+12065550160', 'Maple Bakery'));
    const started = await rawRequest(
      served.server.port,
      post('/v1/provisions', auth, 'Content-Type: application/json', 'Transfer-Encoding: chunked'),
      chunked(json.slice(0, 20), json.slice(20)),
    );
    assert.equal(started.status, 201, started.body);
    assert.equal(JSON.parse(started.body).workflowId, 'cnam-flowroute-12065550160');
    const huge = `{"displayName":"${'x'.repeat(70_000)}"}`;
    const tooLarge = await rawRequest(
      served.server.port,
      post('/v1/provisions', auth, 'Content-Type: application/json', 'Transfer-Encoding: chunked'),
      chunked(huge.slice(0, 40_000), huge.slice(40_000)),
    );
    assert.deepEqual([tooLarge.status, JSON.parse(tooLarge.body).error], [413, 'payload-too-large']);
    const unauthenticated = await rawRequest(
      served.server.port,
      post('/v1/provisions', 'Content-Type: application/json', 'Transfer-Encoding: chunked'),
      chunked(json),
    );
    assert.equal(unauthenticated.status, 401);
  });
});
