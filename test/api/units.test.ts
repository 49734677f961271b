/** The API's pure parts: the replay guard's window and bound, the environment schema, the visibility query. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReplayGuard } from '../../src/api/replay-guard';
import { loadApiEnv } from '../../src/api/config';
import { ConfigError } from '../../src/config/env';
import { provisionQuery } from '../../src/provisioning/queries';
import { InvalidRequestError } from '../../src/provisioning/service';

describe('replay guard', () => {
  test('a signature is refused again within the window, accepted after it, and the set stays bounded', () => {
    let now = 0;
    const guard = createReplayGuard({ ttlMs: 1_000, max: 3, now: () => now });
    assert.equal(guard.firstSeen('a'), true);
    assert.equal(guard.firstSeen('a'), false);
    now = 1_001;
    assert.equal(guard.firstSeen('a'), true, 'expired entries are forgotten');
    for (const sig of ['b', 'c', 'd']) guard.firstSeen(sig);
    assert.equal(guard.firstSeen('a'), true, 'beyond max the oldest is dropped');
    assert.equal(guard.firstSeen('d'), false);
  });
});

describe('loadApiEnv', () => {
  const token = { CNAM_API_TOKEN: 'x'.repeat(16) };
  test('defaults, and the webhook needs the auth token', () => {
    assert.deepEqual(loadApiEnv(token), { ...token, CNAM_API_PORT: 8080, CNAM_API_HOST: '127.0.0.1' });
    assert.throws(() => loadApiEnv({ ...token, CNAM_PUBLIC_WEBHOOK_URL: 'https://cnam.example.com/webhooks/twilio/trust-products' }), /TWILIO_AUTH_TOKEN: is required/);
  });
  test('a missing or short token and a bad URL or port name the variable', () => {
    assert.throws(() => loadApiEnv({}), (err: unknown) => err instanceof ConfigError && /CNAM_API_TOKEN/.test(err.message));
    assert.throws(() => loadApiEnv({ CNAM_API_TOKEN: 'short' }), /CNAM_API_TOKEN: must be at least 16 characters/);
    assert.throws(() => loadApiEnv({ ...token, CNAM_PUBLIC_WEBHOOK_URL: 'ftp://x', CNAM_API_PORT: '99999' }), /CNAM_API_PORT[\s\S]*CNAM_PUBLIC_WEBHOOK_URL: must be an http\(s\) URL/);
  });
});

describe('provisionQuery', () => {
  test('workflow types always, search attributes when given, the number normalised', () => {
    assert.equal(provisionQuery({}), 'WorkflowType IN ("provisionFlowrouteCnam", "provisionTwilioCnam")');
    assert.equal(
      provisionQuery({ provider: 'twilio', number: '(206) 555-0100', step: 'awaiting-approval', state: 'cancelled' }),
      'WorkflowType IN ("provisionTwilioCnam") AND (CnamPhoneNumber = "+12065550100" OR WorkflowId IN ("cnam-twilio-12065550100"))' +
        ' AND CnamStep = "awaiting-approval" AND ExecutionStatus = "Canceled"',
    );
    assert.throws(() => provisionQuery({ number: '" OR 1=1' }), InvalidRequestError);
  });
});
