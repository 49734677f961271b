/**
 * The Twilio status-callback receiver: signature checked against the PUBLIC URL, then any BU… SID in
 * a form or JSON body wakes the waiting workflow long before its next scheduled check, and everything
 * signed is answered 200 (duplicates and unknown shapes too: Twilio logs error 11217 for any 4xx/5xx).
 * The sandbox reviews manually here, so nothing is decided until the test approves it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import twilio from 'twilio';
import { freePort } from '../helpers/cli';
import { eventually } from '../helpers/temporal';
import { call, serveApi, startStack, testApp, TOKEN, type Stack } from './stack';

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

function signedForm(params: Record<string, string>, url = PUBLIC_URL) {
  const signature = twilio.getExpectedTwilioSignature(stack.sandboxes.twilio.authToken, url, params);
  return { body: form(params), token: null, headers: { ...FORM, 'X-Twilio-Signature': signature } };
}

/** As Twilio signs JSON: `?bodySHA256=<hex>` on the URL, the signature over that URL with no fields. */
function signedJson(value: unknown) {
  const body = JSON.stringify(value);
  const query = `?bodySHA256=${twilio.getExpectedBodyHash(body)}`;
  const signature = twilio.getExpectedTwilioSignature(stack.sandboxes.twilio.authToken, PUBLIC_URL + query, {});
  return {
    path: PATH + query,
    request: { body, token: null, headers: { 'Content-Type': 'application/json', 'X-Twilio-Signature': signature } },
  };
}

async function startWaitingTwilio(number: string) {
  const res = await call(app, 'POST', '/v1/provisions', {
    json: {
      provider: 'twilio',
      phoneNumber: number,
      businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
      displayName: 'ACME PLUMBING',
      notificationEmail: 'ops@example.com',
      reviewPollInitial: '1h',
      reviewPollMax: '2h',
      propagationWait: '1s',
    },
  });
  assert.equal(res.status, 201, res.text);
  const id: string = res.body.workflowId;
  const report = await eventually(async () => {
    const body = (await call(app, 'GET', `/v1/provisions/${id}`)).body;
    // Waiting once its first check is scheduled: the step is entered a moment before.
    return body.status?.step === 'awaiting-approval' && body.status.nextCheckAt ? body : undefined;
  }, `${id} awaiting approval`);
  return { id, trustProductSid: report.status.recordId as string };
}

const completed = (id: string) =>
  eventually(
    async () => {
      const body = (await call(app, 'GET', `/v1/provisions/${id}`)).body;
      return body.state === 'completed' ? body : undefined;
    },
    `${id} completed`,
    15_000,
  );

describe('POST /webhooks/twilio/trust-products', () => {
  test('a signed form callback after approval wakes the waiting workflow at once', { timeout: 60_000 }, async () => {
    const { id, trustProductSid } = await startWaitingTwilio('+12065550100');
    // The configured public URL went to Twilio as the status callback.
    assert.equal(stack.sandboxes.twilio.state.trustProducts.get(trustProductSid)?.statusCallback, PUBLIC_URL);
    stack.sandboxes.twilio.approve(trustProductSid);
    // Nothing else can wake it: the next check is an hour away and Twilio's own callback cannot reach the public URL.
    const waiting = (await call(app, 'GET', `/v1/provisions/${id}`)).body.status;
    assert.equal(waiting.step, 'awaiting-approval');
    const untilCheck = Date.parse(waiting.nextCheckAt) - Date.now();
    assert.ok(
      untilCheck > 55 * 60_000 && untilCheck <= 60 * 60_000 + 5_000,
      `next check in ${untilCheck} ms, expected about 1 h`,
    );
    await stack.sandboxes.twilio.callbacksSettled();
    const sent = stack.sandboxes.twilio
      .callbacks()
      .filter((cb) => cb.params.BundleSid === trustProductSid && cb.params.Status === 'twilio-approved');
    assert.deepEqual(
      sent.map((cb) => [cb.url, cb.responseStatus, typeof cb.error]),
      [[PUBLIC_URL, null, 'string']],
      'the sandbox callback to the public URL failed',
    );

    const res = await call(
      app,
      'POST',
      PATH,
      signedForm({
        AccountSid: stack.sandboxes.twilio.accountSid,
        BundleSid: trustProductSid,
        Status: 'twilio-approved',
      }),
    );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { received: true, trustProductSids: [trustProductSid], signalled: [id] });
    assert.equal((await completed(id)).result.trustProductSid, trustProductSid);
    assert.ok(
      logs.some((l) => l.path === PATH && l.status === 200 && l.workflowId === id),
      'the request line names the workflow',
    );
    assert.ok(
      logs.some(
        (l) => l.msg === 'status callback delivered' && l.workflowId === id && l.trustProductSid === trustProductSid,
      ),
      'found by its CnamTrustProductSid search attribute',
    );
  });

  test('the SID is found under every field name public receivers guess; field names are logged, not values', {
    timeout: 60_000,
  }, async () => {
    const { id, trustProductSid } = await startWaitingTwilio('+12065550102');
    for (const field of ['BundleSid', 'Sid', 'TrustProductSid', 'CustomerProfileSid', 'ObjectSid', 'ResourceSid']) {
      const res = await call(
        app,
        'POST',
        PATH,
        signedForm({ AccountSid: stack.sandboxes.twilio.accountSid, [field]: trustProductSid, Status: 'in-review' }),
      );
      assert.deepEqual([res.status, res.body.signalled], [200, [id]], `${field}: ${res.text}`);
      const line = logs.filter((l) => l.msg === 'Twilio status callback').at(-1);
      assert.deepEqual(line?.callbackFields, ['AccountSid', field, 'Status']);
      assert.ok(!JSON.stringify(line).includes(stack.sandboxes.twilio.accountSid), 'no field values in the log');
    }
  });

  test('a JSON body signed with bodySHA256 wakes the workflow; a changed body is 403', {
    timeout: 60_000,
  }, async () => {
    const { id, trustProductSid } = await startWaitingTwilio('+12065550103');
    const tampered = signedJson({ ResourceSid: unknownSid(9) });
    const forged = await call(app, 'POST', tampered.path, {
      ...tampered.request,
      body: JSON.stringify({ ResourceSid: trustProductSid }),
    });
    assert.deepEqual([forged.status, forged.body.error], [403, 'forbidden']);

    stack.sandboxes.twilio.approve(trustProductSid);
    const { path, request } = signedJson({
      AccountSid: stack.sandboxes.twilio.accountSid,
      data: { resource: { sid: trustProductSid, status: 'twilio-approved' } },
    });
    const res = await call(app, 'POST', path, request);
    assert.deepEqual([res.status, res.body.signalled], [200, [id]], res.text);
    await completed(id);
  });

  test('a duplicate delivered twice: both 200, and the workflow is woken', { timeout: 60_000 }, async () => {
    const { id, trustProductSid } = await startWaitingTwilio('+12065550104');
    stack.sandboxes.twilio.approve(trustProductSid);
    const request = signedForm({
      AccountSid: stack.sandboxes.twilio.accountSid,
      BundleSid: trustProductSid,
      Status: 'twilio-approved',
    });
    const [first, second] = [await call(app, 'POST', PATH, request), await call(app, 'POST', PATH, request)];
    assert.deepEqual([first.status, second.status], [200, 200], `${first.text} ${second.text}`);
    assert.deepEqual(first.body.signalled, [id]);
    await completed(id);
  });

  test('signed with no BU SID, or a body that is not JSON: 200 with a note and a warning', async () => {
    const res = await call(
      app,
      'POST',
      PATH,
      signedForm({ AccountSid: stack.sandboxes.twilio.accountSid, Status: 'twilio-approved', BundleSid: 'nope' }),
    );
    assert.equal(res.status, 200, res.text);
    assert.match(res.body.note, /No Trust Product SID/);
    assert.deepEqual(res.body.trustProductSids, []);
    assert.ok(
      logs.some(
        (l) =>
          l.level === 40 &&
          /without a Trust Product SID/.test(String(l.msg)) &&
          String(l.callbackFields) === 'AccountSid,Status,BundleSid',
      ),
    );
    const text = signedJson({});
    const plain = await call(app, 'POST', text.path, {
      ...text.request,
      body: '{}',
      headers: { ...text.request.headers, 'Content-Type': 'text/plain' },
    });
    assert.equal(plain.status, 200, plain.text);
    const nobody = await call(app, 'POST', PATH, signedForm({ AccountSid: 'AC1', BundleSid: unknownSid(2) }));
    assert.deepEqual([nobody.status, nobody.body.signalled], [200, []]);
    assert.match(nobody.body.note, /No running provisioning waits on/);
  });

  test('a forged signature is 403, a missing one 400, a signature for the request host instead of the public URL 403', async () => {
    const params = {
      AccountSid: stack.sandboxes.twilio.accountSid,
      BundleSid: unknownSid(1),
      Status: 'twilio-approved',
    };
    const forged = await call(app, 'POST', PATH, {
      ...signedForm(params),
      body: form({ ...params, Status: 'twilio-rejected' }),
    });
    assert.deepEqual([forged.status, forged.body.error], [403, 'forbidden']);
    const missing = await call(app, 'POST', PATH, { body: form(params), token: null, headers: FORM });
    assert.deepEqual([missing.status, missing.body.error], [400, 'invalid-request']);
    const ownHost = await call(app, 'POST', PATH, signedForm(params, `http://localhost${PATH}`));
    assert.equal(ownHost.status, 403);
    const jsonWithoutHash = await call(app, 'POST', PATH, {
      json: params,
      token: null,
      headers: {
        'X-Twilio-Signature': twilio.getExpectedTwilioSignature(stack.sandboxes.twilio.authToken, PUBLIC_URL, {}),
      },
    });
    assert.equal(jsonWithoutHash.status, 403, 'a JSON body is only trusted through bodySHA256');
  });
});

describe('end to end over a socket', () => {
  let served: Awaited<ReturnType<typeof serveApi>> | undefined;
  after(() => served?.server.close());

  test("the sandbox's own signed callback reaches startApiServer and wakes the workflow", {
    timeout: 60_000,
  }, async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}/webhooks/twilio/trust-products`;
    served = await serveApi(stack, { webhook: { authToken: stack.sandboxes.twilio.authToken, publicUrl } }, port);
    const headers = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    const started = await fetch(`${served.server.url}/v1/provisions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        provider: 'twilio',
        phoneNumber: '+12065550101',
        businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
        displayName: 'ACME PLUMBING',
        notificationEmail: 'ops@example.com',
        reviewPollInitial: '1h',
        propagationWait: '1s',
      }),
    });
    assert.equal(started.status, 201);
    const { workflowId } = (await started.json()) as { workflowId: string };
    const tp = await eventually(async () => {
      const res = await fetch(`${served!.server.url}/v1/provisions/${workflowId}`, { headers });
      const body = (await res.json()) as { status?: { step: string; recordId: string } };
      return body.status?.step === 'awaiting-approval' ? body.status.recordId : undefined;
    }, 'awaiting approval');
    stack.sandboxes.twilio.approve(tp);
    const result = await stack.client.workflow.getHandle(workflowId).result();
    assert.equal(result.provider === 'twilio' && result.trustProductSid, tp);
    await stack.sandboxes.twilio.callbacksSettled();
    const delivered = stack.sandboxes.twilio
      .callbacks()
      .filter((cb) => cb.params.BundleSid === tp && cb.params.Status === 'twilio-approved');
    assert.deepEqual(
      delivered.map((cb) => cb.responseStatus),
      [200],
    );
  });
});
