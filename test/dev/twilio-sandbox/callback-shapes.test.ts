import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { buildCnamProduct, startTestSandbox } from './helpers';

interface Received {
  /** The full URL as the receiver saw it, which is what a signature is checked against. */
  url: string;
  contentType: string | undefined;
  signature: string;
  body: string;
}

/** A receiver standing in for the application's StatusCallback endpoint; keeps raw bodies. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({
        url: `${origin}${req.url ?? ''}`,
        contentType: req.headers['content-type'],
        signature: String(req.headers['x-twilio-signature'] ?? ''),
        body,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: origin, received, server };
}

async function waitFor(pred: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('status callback shapes and repeats', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => new Promise<void>((r) => receiver.server.close(() => r())));

  /** Submits a product whose callback goes to `path`; returns what arrived once both transitions were sent. */
  async function submit(t: Awaited<ReturnType<typeof startTestSandbox>>, path: string, expected: number) {
    const callbackUrl = `${receiver.url}${path}`;
    const { trustProductSid } = await buildCnamProduct(t.client, {
      profileSid: t.sandbox.defaultBusinessProfileSid,
      statusCallback: callbackUrl,
    });
    await t.client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
    await waitFor(() => receiver.received.filter((r) => r.url.startsWith(callbackUrl)).length >= expected);
    await t.sandbox.callbacksSettled();
    return { trustProductSid, callbackUrl, got: receiver.received.filter((r) => r.url.startsWith(callbackUrl)) };
  }

  for (const [shape, sidField] of [
    ['form-bundle', 'BundleSid'],
    ['form-sid', 'Sid'],
    ['form-trust-product-sid', 'TrustProductSid'],
  ] as const) {
    test(`${shape}: form fields with the SID under ${sidField}, signed as Twilio signs forms`, async () => {
      const t = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0, callbackShape: shape });
      try {
        const { trustProductSid, callbackUrl, got } = await submit(t, `/${shape}?tenant=acme`, 2);
        assert.equal(got.length, 2);
        for (const r of got) {
          const params = Object.fromEntries(new URLSearchParams(r.body));
          assert.equal(r.contentType, 'application/x-www-form-urlencoded');
          assert.deepEqual(Object.keys(params).sort(), ['AccountSid', 'Status', sidField].sort());
          assert.equal(params[sidField], trustProductSid);
          assert.equal(r.url, callbackUrl);
          assert.equal(twilio.validateRequest(t.sandbox.authToken, r.signature, r.url, params), true);
          assert.equal(
            twilio.validateRequest(t.sandbox.authToken, r.signature, r.url, { ...params, Status: 'draft' }),
            false,
          );
        }
        assert.deepEqual(
          got.map((r) => new URLSearchParams(r.body).get('Status')),
          ['in-review', 'twilio-approved'],
        );
      } finally {
        await t.sandbox.close();
      }
    });
  }

  test('json: a JSON body with ResourceSid, bodySHA256 on the URL, validated by validateRequestWithBody', async () => {
    const t = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0, callbackShape: 'json' });
    try {
      const { trustProductSid, callbackUrl, got } = await submit(t, '/json?tenant=acme', 2);
      assert.equal(got.length, 2);
      for (const r of got) {
        assert.equal(r.contentType, 'application/json');
        const body = JSON.parse(r.body) as Record<string, string>;
        assert.deepEqual(Object.keys(body).sort(), ['AccountSid', 'ResourceSid', 'Status']);
        assert.equal(body.ResourceSid, trustProductSid);
        assert.equal(body.AccountSid, t.sandbox.accountSid);
        assert.match(r.url.slice(callbackUrl.length), /^&bodySHA256=[0-9a-f]{64}$/);
        assert.ok(r.url.startsWith(callbackUrl), r.url);
        assert.equal(twilio.validateRequestWithBody(t.sandbox.authToken, r.signature, r.url, r.body), true);
        assert.equal(
          twilio.validateRequestWithBody(
            t.sandbox.authToken,
            r.signature,
            r.url,
            r.body.replace(body.Status!, 'draft'),
          ),
          false,
        );
        assert.equal(twilio.validateRequestWithBody('another-token', r.signature, r.url, r.body), false);
      }
      assert.deepEqual(
        got.map((r) => (JSON.parse(r.body) as { Status: string }).Status),
        ['in-review', 'twilio-approved'],
      );
      assert.deepEqual(
        t.sandbox.callbacks().map((c) => c.shape),
        ['json', 'json'],
      );
    } finally {
      await t.sandbox.close();
    }
  });

  test('callbackRepeats delivers each callback N times; settings change at runtime and reset restores them', async () => {
    const t = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0 });
    const settings = (init?: RequestInit) => fetch(`${t.sandbox.url}/__sandbox/callback-settings`, init);
    try {
      assert.deepEqual(await (await settings()).json(), { callbackShape: 'form-bundle', callbackRepeats: 1 });
      const put = await settings({
        method: 'PUT',
        body: JSON.stringify({ callbackShape: 'form-sid', callbackRepeats: 3 }),
      });
      assert.equal(put.status, 200);
      assert.deepEqual(await put.json(), { callbackShape: 'form-sid', callbackRepeats: 3 });
      const { trustProductSid, got } = await submit(t, '/repeats', 6);
      // Each status change is delivered three times; the two changes' deliveries may interleave.
      assert.deepEqual(got.map((r) => new URLSearchParams(r.body).get('Status')).sort(), [
        'in-review',
        'in-review',
        'in-review',
        'twilio-approved',
        'twilio-approved',
        'twilio-approved',
      ]);
      assert.ok(got.every((r) => new URLSearchParams(r.body).get('Sid') === trustProductSid));
      for (const status of ['in-review', 'twilio-approved']) {
        assert.deepEqual(
          t.sandbox
            .callbacks()
            .filter((c) => c.params.Status === status)
            .map((c) => c.attempt),
          [1, 2, 3],
        );
      }

      for (const bad of [
        { callbackShape: 'xml' },
        { callbackRepeats: 0 },
        { callbackRepeats: 1.5 },
        { shape: 'json' },
      ]) {
        const res = await settings({ method: 'PUT', body: JSON.stringify(bad) });
        assert.equal(res.status, 400, JSON.stringify(bad));
        assert.equal(((await res.json()) as { code: number }).code, 20001);
      }
      assert.throws(() => t.sandbox.configureCallbacks({ callbackRepeats: -1 }), { name: 'TwilioApiError' });
      t.sandbox.reset();
      assert.deepEqual(t.sandbox.callbackSettings(), { callbackShape: 'form-bundle', callbackRepeats: 1 });
    } finally {
      await t.sandbox.close();
    }
  });

  test('bad callback options fail at start', async () => {
    await assert.rejects(startTestSandbox({ callbackShape: 'xml' as never }), /callbackShape must be one of/);
    await assert.rejects(startTestSandbox({ callbackRepeats: 0 }), /callbackRepeats must be a positive integer/);
  });
});
