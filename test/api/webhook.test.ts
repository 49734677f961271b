/**
 * The Twilio status-callback receiver: signature checked against the PUBLIC URL, replays refused,
 * and a signed callback wakes the waiting workflow long before its next scheduled check.
 * The sandbox reviews manually here, so nothing is decided until the test approves it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { startApiServer, type RunningApiServer } from '../../src/api';
import { freePort } from '../helpers/cli';
import { eventually } from '../helpers/temporal';
import { call, startStack, testApp, TOKEN, type Stack } from './stack';
import pino from 'pino';

// Twilio calls the proxy's public URL; the app itself is reached without a socket here.
const PUBLIC_URL = 'https://cnam.invalid/hooks/twilio/trust-products';
const PATH = '/hooks/twilio/trust-products';

let stack: Stack;
let app: ReturnType<typeof testApp>['app'];
let logs: ReturnType<typeof testApp>['logs'];

before(async () => {
  stack = await startStack({ autoReview: false });
  ({ app, logs } = testApp(stack, { webhook: { authToken: stack.sandboxes.twilio.authToken, publicUrl: PUBLIC_URL } }));
});
after(() => stack?.close());

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
const unknownSid = (n: number) => `BU${String(n).padStart(32, '0')}`;

function signedCallback(params: Record<string, string>, url = PUBLIC_URL) {
  const signature = getExpectedTwilioSignature(stack.sandboxes.twilio.authToken, url, params);
  return { body: form(params), token: null, headers: { ...FORM, 'X-Twilio-Signature': signature } };
}

async function startWaitingTwilio(number: string, extra: Record<string, string> = {}) {
  const res = await call(app, 'POST', '/v1/provisions', {
    json: {
      provider: 'twilio', phoneNumber: number, businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
      displayName: 'ACME PLUMBING', notificationEmail: 'ops@example.com', reviewPollInitial: '1h', reviewPollMax: '2h', propagationWait: '1s', ...extra,
    },
  });
  assert.equal(res.status, 201, res.text);
  const id: string = res.body.workflowId;
  const report = await eventually(async () => {
    const body = (await call(app, 'GET', `/v1/provisions/${id}`)).body;
    return body.status?.step === 'awaiting-approval' ? body : undefined;
  }, `${id} awaiting approval`);
  return { id, trustProductSid: report.status.recordId as string };
}

describe('POST /webhooks/twilio/trust-products', () => {
  test('a signed callback after approval wakes the waiting workflow at once', { timeout: 60_000 }, async () => {
    const { id, trustProductSid } = await startWaitingTwilio('+12065550100');
    // The configured public URL went to Twilio as the status callback.
    assert.equal(stack.sandboxes.twilio.state.trustProducts.get(trustProductSid)?.statusCallback, PUBLIC_URL);
    stack.sandboxes.twilio.approve(trustProductSid);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await call(app, 'GET', `/v1/provisions/${id}`)).body.status.step, 'awaiting-approval', 'approval alone does not wake it (next check in 1h)');

    const res = await call(app, 'POST', PATH, signedCallback({ AccountSid: stack.sandboxes.twilio.accountSid, BundleSid: trustProductSid, Status: 'twilio-approved' }));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.text, '');
    const done = await eventually(async () => {
      const body = (await call(app, 'GET', `/v1/provisions/${id}`)).body;
      return body.state === 'completed' ? body : undefined;
    }, 'completion', 15_000);
    assert.equal(done.result.trustProductSid, trustProductSid);
    assert.ok(logs.some((l) => l.path === PATH && l.status === 200 && l.workflowId === id), 'the request line names the workflow');
    assert.ok(logs.some((l) => l.msg === 'status callback delivered' && l.via === 'search-attribute'), 'found by CnamTrustProductSid');
  });

  test('a forged signature is 403, a missing one 400, a signature for the request host instead of the public URL 403', async () => {
    const params = { AccountSid: stack.sandboxes.twilio.accountSid, BundleSid: unknownSid(1), Status: 'twilio-approved' };
    const forged = await call(app, 'POST', PATH, { ...signedCallback(params), body: form({ ...params, Status: 'twilio-rejected' }) });
    assert.deepEqual([forged.status, forged.body.error], [403, 'forbidden']);
    const missing = await call(app, 'POST', PATH, { body: form(params), token: null, headers: FORM });
    assert.deepEqual([missing.status, missing.body.error], [400, 'invalid-request']);
    const ownHost = await call(app, 'POST', PATH, signedCallback(params, `http://localhost${PATH}`));
    assert.equal(ownHost.status, 403);
  });

  test('the same signed request twice: the second is a replay, 403', async () => {
    const request = signedCallback({ AccountSid: stack.sandboxes.twilio.accountSid, BundleSid: unknownSid(2), Status: 'in-review' });
    const first = await call(app, 'POST', PATH, request);
    assert.equal(first.status, 200, first.text);
    assert.match(first.body.note, /No running provisioning/);
    const second = await call(app, 'POST', PATH, request);
    assert.deepEqual([second.status, second.body.error], [403, 'forbidden']);
    assert.match(second.body.message, /replay/);
  });

  test('signed but malformed fields are 400 naming the field; JSON bodies are refused', async () => {
    const bad = await call(app, 'POST', PATH, signedCallback({ AccountSid: 'AC1', BundleSid: 'nope', Status: 'twilio-approved' }));
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.problems.map((p: { field: string; rule: string }) => `${p.field}:${p.rule}`), ['BundleSid:invalid_format']);
    const json = await call(app, 'POST', PATH, { json: { BundleSid: unknownSid(3) }, token: null, headers: { 'X-Twilio-Signature': 'x' } });
    assert.equal(json.status, 415);
  });
});

describe('end to end over a socket', () => {
  let server: RunningApiServer;
  after(() => server?.close());

  test("the sandbox's own signed callback reaches startApiServer and wakes the workflow", { timeout: 60_000 }, async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/webhooks/twilio/trust-products`;
    server = await startApiServer({
      port, host: '127.0.0.1', client: stack.client, taskQueue: stack.taskQueue, token: TOKEN, namespace: 'default',
      webhook: { authToken: stack.sandboxes.twilio.authToken, publicUrl }, logger: pino({ level: 'silent' }),
    });
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const started = await fetch(`${server.url}/v1/provisions`, {
      method: 'POST', headers,
      body: JSON.stringify({
        provider: 'twilio', phoneNumber: '+12065550101', businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
        displayName: 'ACME PLUMBING', notificationEmail: 'ops@example.com', reviewPollInitial: '1h', propagationWait: '1s',
      }),
    });
    assert.equal(started.status, 201);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const handle = stack.client.workflow.getHandle(workflowId);
    const tp = await eventually(async () => {
      const res = await fetch(`${server.url}/v1/provisions/${workflowId}`, { headers });
      const body = (await res.json()) as { status?: { step: string; recordId: string } };
      return body.status?.step === 'awaiting-approval' ? body.status.recordId : undefined;
    }, 'awaiting approval');
    stack.sandboxes.twilio.approve(tp);
    const result = await handle.result();
    assert.equal(result.provider === 'twilio' && result.trustProductSid, tp);
    await stack.sandboxes.twilio.callbacksSettled();
    const delivered = stack.sandboxes.twilio.callbacks().filter((cb) => cb.params.BundleSid === tp && cb.params.Status === 'twilio-approved');
    assert.deepEqual(delivered.map((cb) => cb.responseStatus), [200]);
  });
});
