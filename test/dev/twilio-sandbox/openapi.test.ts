import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SandboxExchange } from '../../../dev/sandbox/twilio';
import { buildCnamProduct, CNAM_POLICY_SID, recorded, startTestSandbox, type TestSandbox } from './helpers';
import { conformanceErrors, findOperation, spec, validateExchange } from './openapi-validator';

const ORIGIN = 'http://127.0.0.1:1';

function endUserExchange(body: unknown, status = 201): SandboxExchange {
  return { method: 'POST', path: '/v1/EndUsers', query: '', status, headers: {}, body };
}

const goodEndUser = {
  sid: 'IT' + 'a'.repeat(32),
  account_sid: 'AC' + 'b'.repeat(32),
  friendly_name: 'n',
  type: 'cnam_information',
  attributes: { cnam_display_name: 'ACME' },
  date_created: '2026-01-05T15:00:00Z',
  date_updated: '2026-01-05T15:00:00Z',
  url: `${ORIGIN}/v1/EndUsers/IT${'a'.repeat(32)}`,
};

describe('the OpenAPI response validator', () => {
  test('accepts a well-formed response', () => {
    assert.deepEqual(validateExchange(endUserExchange(goodEndUser), ORIGIN), []);
  });

  const broken: [string, unknown, RegExp][] = [
    ['an unknown top-level key', { ...goodEndUser, extra: 1 }, /extra: not in the spec/],
    ['a missing key', { ...goodEndUser, url: undefined }, /url: missing/],
    ['a wrong type', { ...goodEndUser, friendly_name: 7 }, /friendly_name: expected string/],
    ['a bad SID pattern', { ...goodEndUser, sid: 'XX' + 'a'.repeat(32) }, /sid: .* does not match/],
    ['a non-ISO timestamp', { ...goodEndUser, date_created: 'Mon, 05 Jan 2026 15:00:00 +0000' }, /is not a date-time/],
    ['a URL on another origin', { ...goodEndUser, url: 'https://trusthub.twilio.com/v1/EndUsers/x' }, /is not on/],
  ];
  for (const [what, body, pattern] of broken) {
    test(`rejects ${what}`, () => {
      assert.match(validateExchange(endUserExchange(body), ORIGIN).join('\n'), pattern);
    });
  }

  test('rejects null where the spec is not nullable, and an undeclared status', () => {
    const tp = { method: 'GET', path: `/v1/TrustProducts/BU${'c'.repeat(32)}`, query: '', headers: {} };
    assert.match(
      validateExchange({ ...tp, status: 200, body: { status: null } }, ORIGIN).join('\n'),
      /status: null but not nullable/,
    );
    assert.match(validateExchange({ ...tp, status: 201, body: {} }, ORIGIN).join('\n'), /status not declared/);
  });

  test('rejects a malformed Twilio error body and a non-empty 204', () => {
    const err = { method: 'GET', path: '/v1/EndUsers', query: '', headers: {}, status: 404 };
    assert.match(
      validateExchange({ ...err, body: { code: 20404, message: 'x', status: 404 } }, ORIGIN).join('\n'),
      /more_info: missing/,
    );
    assert.match(
      validateExchange(
        {
          ...err,
          body: { code: 20404, message: 'x', more_info: 'https://www.twilio.com/docs/errors/20404', status: 400 },
        },
        ORIGIN,
      ).join('\n'),
      /differs/,
    );
    const del = { method: 'DELETE', path: `/v1/EndUsers/IT${'a'.repeat(32)}`, query: '', headers: {}, status: 204 };
    assert.match(validateExchange({ ...del, body: { x: 1 } }, ORIGIN).join('\n'), /empty body/);
  });

  test('rejects a 2010 URI that is absolute or lacks .json', () => {
    const list = {
      method: 'GET',
      path: `/2010-04-01/Accounts/AC${'b'.repeat(32)}/IncomingPhoneNumbers.json`,
      query: '',
      headers: {},
      status: 200,
    };
    const page = {
      end: 0,
      first_page_uri: 'x',
      incoming_phone_numbers: [],
      next_page_uri: null,
      page: 0,
      page_size: 50,
      previous_page_uri: null,
      start: 0,
      uri: 'x',
    };
    const bad = {
      ...page,
      first_page_uri: `${ORIGIN}/2010-04-01/Accounts/AC${'b'.repeat(32)}/IncomingPhoneNumbers.json`,
      uri: `/2010-04-01/Accounts/AC${'b'.repeat(32)}/IncomingPhoneNumbers`,
    };
    const errors = validateExchange({ ...list, body: bad }, ORIGIN).join('\n');
    assert.match(errors, /first_page_uri/);
    assert.match(errors, /body\.uri/);
  });

  test('matches operations by method and path template', () => {
    assert.equal(findOperation('POST', `/v1/TrustProducts/BU${'c'.repeat(32)}`)?.op.operationId, 'UpdateTrustProduct');
    assert.equal(
      findOperation('GET', `/2010-04-01/Accounts/AC${'b'.repeat(32)}/IncomingPhoneNumbers/PN${'d'.repeat(32)}.json`)?.op
        .operationId,
      'FetchIncomingPhoneNumber',
    );
    assert.equal(findOperation('PUT', '/v1/EndUsers'), undefined);
  });
});

describe('every spec operation, exercised through the SDK', () => {
  let t: TestSandbox;
  before(async () => {
    t = await startTestSandbox({ inReviewDelayMs: 0, decisionDelayMs: 0 });
  });
  after(() => t.sandbox.close());

  test('runs each operation of the spec at least once', async () => {
    const { client, sandbox } = t;
    const th = client.trusthub.v1;
    const bu = sandbox.defaultBusinessProfileSid;
    const { trustProductSid: tpSid, phoneNumberSid, endUserSid } = await buildCnamProduct(client, { profileSid: bu });
    await th.customerProfiles.list({ friendlyName: 'Acme Plumbing LLC' });
    await th.customerProfiles(bu).fetch();
    const [cpa] = await th
      .customerProfiles(bu)
      .customerProfilesChannelEndpointAssignment.list({ channelEndpointSids: phoneNumberSid });
    assert.ok(cpa);
    await th.customerProfiles(bu).customerProfilesChannelEndpointAssignment(cpa.sid).fetch();
    await th.trustProducts.list({ policySid: CNAM_POLICY_SID });
    const ev = await th.trustProducts(tpSid).trustProductsEvaluations.create({ policySid: CNAM_POLICY_SID });
    await th.trustProducts(tpSid).trustProductsEvaluations.list();
    await th.trustProducts(tpSid).trustProductsEvaluations(ev.sid).fetch();
    await th.trustProducts(tpSid).fetch();
    await th.endUsers.list();
    await th.endUsers(endUserSid).fetch();
    await th.endUsers(endUserSid).update({ friendlyName: 'renamed', attributes: { cnam_display_name: 'ACME' } });
    const [ea] = await th.trustProducts(tpSid).trustProductsEntityAssignments.list();
    const [ca] = await th.trustProducts(tpSid).trustProductsChannelEndpointAssignment.list();
    assert.ok(ea && ca);
    await th.trustProducts(tpSid).trustProductsChannelEndpointAssignment(ca.sid).remove();
    await th.trustProducts(tpSid).trustProductsEntityAssignments(ea.sid).remove();
    await th.trustProducts(tpSid).update({ friendlyName: 'renamed' });
    await th.customerProfiles(bu).customerProfilesChannelEndpointAssignment(cpa.sid).remove();
    await client.incomingPhoneNumbers(phoneNumberSid).fetch();
    await client.incomingPhoneNumbers(phoneNumberSid).update({ voiceCallerIdLookup: true });
    await th.trustProducts(tpSid).remove();
    const spare = await th.endUsers.create({ friendlyName: 'spare', type: 'cnam_information' });
    await th.endUsers(spare.sid).remove();

    const covered = new Set(
      recorded
        .filter(({ exchange }) => exchange.status < 400)
        .map(({ exchange }) => findOperation(exchange.method, exchange.path)?.op.operationId),
    );
    const all = Object.values(spec.paths).flatMap((ops) =>
      Object.entries(ops)
        .filter(([m]) => ['get', 'post', 'delete'].includes(m))
        .map(([, o]) => o.operationId),
    );
    assert.equal(all.length, 28);
    assert.deepEqual(
      all.filter((id) => !covered.has(id)),
      [],
    );
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.length > 25);
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
