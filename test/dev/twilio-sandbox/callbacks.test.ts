import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import twilio from 'twilio';
import { conformanceErrors } from './openapi-validator';
import { buildCnamProduct, startTestSandbox as startSandbox, type Recorded } from './helpers';

interface Received {
  path: string;
  contentType: string | undefined;
  signature: string;
  params: Record<string, string>;
}

/** A tiny receiver standing in for the application's StatusCallback endpoint. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        signature: String(req.headers['x-twilio-signature'] ?? ''),
        params: Object.fromEntries(new URLSearchParams(body)),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

async function waitFor(pred: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('status callbacks', () => {
  // This file's own exchanges: the conformance check below can only pass on requests made here.
  const recorded: Recorded[] = [];
  const startTestSandbox = (options: Parameters<typeof startSandbox>[0]) => startSandbox(options, recorded);
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => new Promise<void>((r) => receiver.server.close(() => r())));

  test('each Twilio-made status change is POSTed, signed as Twilio signs, without anyone polling', async () => {
    const { client, sandbox } = await startTestSandbox({ inReviewDelayMs: 30, decisionDelayMs: 30 });
    try {
      const callbackUrl = `${receiver.url}/cnam/status?tenant=acme`;
      const { trustProductSid } = await buildCnamProduct(client, {
        profileSid: sandbox.defaultBusinessProfileSid,
        statusCallback: callbackUrl,
      });
      const start = receiver.received.length;
      await client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
      await waitFor(() => receiver.received.length >= start + 2);
      const got = receiver.received.slice(start);
      assert.deepEqual(
        got.map((r) => r.params.Status),
        ['in-review', 'twilio-approved'],
      );
      for (const r of got) {
        assert.equal(r.path, '/cnam/status?tenant=acme');
        assert.equal(r.contentType, 'application/x-www-form-urlencoded');
        assert.deepEqual(Object.keys(r.params).sort(), ['AccountSid', 'BundleSid', 'Status']);
        assert.equal(r.params.AccountSid, sandbox.accountSid);
        assert.equal(r.params.BundleSid, trustProductSid);
        assert.equal(twilio.validateRequest(sandbox.authToken, r.signature, callbackUrl, r.params), true);
      }

      // Forgeries do not validate: a changed field, another token, a made-up signature.
      const real = got[1]!;
      assert.equal(
        twilio.validateRequest(sandbox.authToken, real.signature, callbackUrl, {
          ...real.params,
          Status: 'twilio-rejected',
        }),
        false,
      );
      assert.equal(twilio.validateRequest('someone-elses-token', real.signature, callbackUrl, real.params), false);
      assert.equal(twilio.validateRequest(sandbox.authToken, 'bm90IGEgc2lnbmF0dXJl', callbackUrl, real.params), false);

      await sandbox.callbacksSettled();
      const log = (await (await fetch(`${sandbox.url}/__sandbox/callbacks`)).json()) as {
        callbacks: { url: string; responseStatus: number; signature: string }[];
      };
      assert.deepEqual(
        log.callbacks.map((c) => [c.url, c.responseStatus]),
        [
          [callbackUrl, 204],
          [callbackUrl, 204],
        ],
      );
      assert.equal(log.callbacks[1]?.signature, real.signature);
    } finally {
      await sandbox.close();
    }
  });

  test('a rejection carries FailureReason, also covered by the signature', async () => {
    const { client, sandbox } = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0 });
    try {
      const callbackUrl = `${receiver.url}/rejected`;
      const { trustProductSid } = await buildCnamProduct(client, {
        profileSid: sandbox.defaultBusinessProfileSid,
        displayName: 'FBI SECURITY',
        statusCallback: callbackUrl,
      });
      const start = receiver.received.length;
      await client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
      await waitFor(() => receiver.received.length >= start + 2);
      const rejected = receiver.received.slice(start).find((r) => r.params.Status === 'twilio-rejected');
      assert.ok(rejected);
      assert.match(rejected.params.FailureReason ?? '', /^11008: /);
      assert.equal(twilio.validateRequest(sandbox.authToken, rejected.signature, callbackUrl, rejected.params), true);
      const { FailureReason: _dropped, ...withoutReason } = rejected.params;
      assert.equal(twilio.validateRequest(sandbox.authToken, rejected.signature, callbackUrl, withoutReason), false);
    } finally {
      await sandbox.close();
    }
  });

  test('an unreachable callback is tried once and logged with its error', async () => {
    const { client, sandbox } = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0, autoReview: false });
    try {
      const dead = 'http://127.0.0.1:9/nobody-home';
      const { trustProductSid } = await buildCnamProduct(client, {
        profileSid: sandbox.defaultBusinessProfileSid,
        statusCallback: dead,
      });
      await client.trusthub.v1.trustProducts(trustProductSid).update({ status: 'pending-review' });
      // The in-review callback goes out from the review timer; callbacksSettled() then resolves only once every
      // delivery of it has finished, repeats included, so no fixed sleep is needed before counting.
      await waitFor(() => sandbox.callbacks().length > 0);
      await sandbox.callbacksSettled();
      const sent = sandbox.callbacks();
      assert.deepEqual(
        sent.map((c) => [c.url, c.attempt, c.params.Status, c.responseStatus]),
        [[dead, 1, 'in-review', null]],
      );
      assert.ok(sent[0]?.error, 'the connection error is logged');

      // The same wait does see further deliveries: with a repeat configured, the next change shows both attempts.
      // So the single attempt above is the emulator's behaviour, not a count taken too early.
      sandbox.configureCallbacks({ callbackRepeats: 2 });
      sandbox.approve(trustProductSid);
      await sandbox.callbacksSettled();
      assert.deepEqual(
        sandbox
          .callbacks()
          .slice(1)
          .map((c) => [c.attempt, c.params.Status]),
        [
          [1, 'twilio-approved'],
          [2, 'twilio-approved'],
        ],
      );
    } finally {
      await sandbox.close();
    }
  });

  test('every response in this file matches the OpenAPI spec', () => {
    // Each test above starts its own sandbox and submits a Trust Product: insist on all three, so that this check
    // fails instead of passing on nothing when it runs alone.
    const submits = recorded.filter(
      ({ exchange: e }) =>
        e.method === 'POST' && /^\/v1\/TrustProducts\/BU[0-9a-f]{32}$/.test(e.path) && e.status === 200,
    );
    const sandboxes = new Set(submits.map((r) => r.origin)).size;
    assert.equal(sandboxes, 3, `submits recorded from ${sandboxes} sandboxes`);
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
