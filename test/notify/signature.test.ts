/** Signing webhook notifications and the receivers' check of them. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotificationEvent } from '../../src/notify/events';
import { NotificationVerificationError, signNotification, verifyNotification } from '../../src/notify/signature';

const SECRET = 'current-secret-0123456789';
const OLD_SECRET = 'previous-secret-0123456789';
const NOW = Date.UTC(2025, 5, 2, 12, 0, 0);

const event: NotificationEvent = {
  id: 'cnam-flowroute-1/run-1/cnam.completed/1',
  type: 'cnam.completed',
  occurredAt: new Date(NOW - 60_000).toISOString(),
  workflowId: 'cnam-flowroute-1',
  runId: 'run-1',
  provider: 'flowroute',
  number: '+12065550100',
  displayName: 'BOB LAW',
  data: { cnamRecordId: '42' },
};
const body = JSON.stringify(event);

function refused(input: Parameters<typeof verifyNotification>[0], message: RegExp): void {
  assert.throws(
    () => verifyNotification(input),
    (err: unknown) => err instanceof NotificationVerificationError && message.test(err.message),
  );
}

describe('signNotification / verifyNotification', () => {
  test('round trip: the receiver gets the event back', () => {
    const headers = signNotification(body, [SECRET], NOW);
    assert.equal(headers['Cnam-Event-Id'], event.id);
    assert.equal(headers['Cnam-Timestamp'], String(NOW / 1000));
    assert.match(headers['Cnam-Signature'], /^v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyNotification({ body, headers, secret: SECRET, nowMs: NOW + 5_000 }), event);
  });

  test('headers in any case, as node:http or fetch Headers give them', () => {
    const signed = signNotification(body, [SECRET], NOW);
    const lower = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(verifyNotification({ body, headers: lower, secret: SECRET, nowMs: NOW }).id, event.id);
    assert.equal(verifyNotification({ body, headers: new Headers(signed), secret: SECRET, nowMs: NOW }).id, event.id);
  });

  test('a tampered body is refused', () => {
    const headers = signNotification(body, [SECRET], NOW);
    const tampered = body.replace('BOB LAW', 'EVE LAW');
    refused({ body: tampered, headers, secret: SECRET, nowMs: NOW }, /Bad Cnam-Signature/);
  });

  test('a tampered timestamp is refused: it is part of what is signed', () => {
    const headers = { ...signNotification(body, [SECRET], NOW), 'Cnam-Timestamp': String(NOW / 1000 + 1) };
    refused({ body, headers, secret: SECRET, nowMs: NOW }, /Bad Cnam-Signature/);
  });

  test('a wrong secret is refused', () => {
    const headers = signNotification(body, [SECRET], NOW);
    refused(
      { body, headers, secret: 'some-other-secret-0123456789', nowMs: NOW },
      /Bad Cnam-Signature.*another secret/,
    );
  });

  test('a stale or future timestamp is refused; the tolerance is configurable', () => {
    const headers = signNotification(body, [SECRET], NOW);
    refused({ body, headers, secret: SECRET, nowMs: NOW + 301_000 }, /Stale Cnam-Timestamp: 301 s old.*300 s/);
    refused({ body, headers, secret: SECRET, nowMs: NOW - 400_000 }, /Stale Cnam-Timestamp: 400 s in the future/);
    refused({ body, headers, secret: SECRET, nowMs: NOW + 61_000, toleranceSeconds: 60 }, /beyond the 60 s/);
    assert.equal(verifyNotification({ body, headers, secret: SECRET, nowMs: NOW + 300_000 }).id, event.id);
  });

  test('missing headers are named', () => {
    const { 'Cnam-Signature': _, ...noSignature } = signNotification(body, [SECRET], NOW);
    refused({ body, headers: noSignature, secret: SECRET, nowMs: NOW }, /^Missing header Cnam-Signature$/);
    refused(
      { body, headers: {}, secret: SECRET, nowMs: NOW },
      /Missing headers Cnam-Event-Id, Cnam-Timestamp, Cnam-Signature/,
    );
    const blank = { ...signNotification(body, [SECRET], NOW), 'Cnam-Event-Id': '' };
    refused({ body, headers: blank, secret: SECRET, nowMs: NOW }, /Missing header Cnam-Event-Id/);
  });

  test('malformed headers and an event id that is not the body’s are refused', () => {
    const signed = signNotification(body, [SECRET], NOW);
    refused(
      { body, headers: { ...signed, 'Cnam-Timestamp': 'yesterday' }, secret: SECRET, nowMs: NOW },
      /not a unix time/,
    );
    refused(
      { body, headers: { ...signed, 'Cnam-Signature': 'sha256=abc' }, secret: SECRET, nowMs: NOW },
      /no v1= signature/,
    );
    refused(
      { body, headers: { ...signed, 'Cnam-Event-Id': 'another-id' }, secret: SECRET, nowMs: NOW },
      /Cnam-Event-Id does not match/,
    );
  });

  test('rotation: signed with the new and the old secret, a receiver that knows either accepts', () => {
    const headers = signNotification(body, [SECRET, OLD_SECRET], NOW);
    assert.match(headers['Cnam-Signature'], /^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    assert.equal(verifyNotification({ body, headers, secret: OLD_SECRET, nowMs: NOW }).id, event.id);
    assert.equal(verifyNotification({ body, headers, secret: SECRET, nowMs: NOW }).id, event.id);
    refused({ body, headers, secret: 'never-configured-secret-0123', nowMs: NOW }, /Bad Cnam-Signature/);
  });

  test('the signature does not contain the secret', () => {
    const headers = signNotification(body, [SECRET], NOW);
    assert.ok(!Object.values(headers).some((v) => v.includes(SECRET)));
  });
});
