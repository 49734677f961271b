import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceErrors } from './openapi-validator';
import { recorded, startTestSandbox, type TestSandbox } from './helpers';

// The default numbers: +1206555010{0..4}, +18005550100 (toll-free), +14165550100 (Toronto).
const SEATTLE = ['+12065550100', '+12065550101', '+12065550102', '+12065550103', '+12065550104'];

describe('IncomingPhoneNumbers PhoneNumber filter (partial numbers, * for one digit) through the SDK', () => {
  let t: TestSandbox;
  const list = async (phoneNumber: string) =>
    (await t.client.incomingPhoneNumbers.list({ phoneNumber })).map((n) => n.phoneNumber);
  before(async () => {
    t = await startTestSandbox();
  });
  after(() => t.sandbox.close());

  test('a whole number matches only itself', async () => {
    assert.deepEqual(await list('+12065550103'), ['+12065550103']);
    assert.deepEqual(await list('+12065550199'), []);
  });

  test('a partial number matches as a substring of the digits', async () => {
    assert.deepEqual(await list('0100'), ['+12065550100', '+18005550100', '+14165550100']);
    assert.deepEqual(await list('416555'), ['+14165550100']);
    assert.deepEqual(await list('2065550'), SEATTLE);
    // A leading + pins the partial number to the start: +1206 is the Seattle area code, not any "1206".
    assert.deepEqual(await list('+1206'), SEATTLE);
    assert.deepEqual(await list('+206'), []);
  });

  test('* stands for any one digit', async () => {
    assert.deepEqual(await list('206555010*'), SEATTLE);
    assert.deepEqual(await list('555010*'), [...SEATTLE, '+18005550100', '+14165550100']);
    assert.deepEqual(await list('+1***5550100'), ['+12065550100', '+18005550100', '+14165550100']);
    assert.deepEqual(await list('8**555'), ['+18005550100']);
    assert.deepEqual(await list('+1***55501000'), [], 'one digit too many');
  });

  test('an unencoded + arrives as a space and is read as +', async () => {
    const auth = `Basic ${Buffer.from(`${t.sandbox.accountSid}:${t.sandbox.authToken}`).toString('base64')}`;
    const res = await fetch(
      `${t.sandbox.url}/2010-04-01/Accounts/${t.sandbox.accountSid}/IncomingPhoneNumbers.json?PhoneNumber=+1206555010*`,
      {
        headers: { Authorization: auth },
      },
    );
    const body = (await res.json()) as { incoming_phone_numbers: { phone_number: string }[] };
    assert.deepEqual(
      body.incoming_phone_numbers.map((n) => n.phone_number),
      SEATTLE,
    );
  });

  test('a filter with letters matches nothing', async () => {
    assert.deepEqual(await list('ACME'), []);
  });

  test('every response in this file matches the OpenAPI spec', () => {
    assert.ok(recorded.length >= 10);
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
