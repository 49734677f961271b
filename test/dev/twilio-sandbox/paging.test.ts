import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { conformanceErrors } from './openapi-validator';
import type { SandboxExchange } from '../../../dev/sandbox/twilio';
import { expectRestError, startTestSandbox, type Recorded, type TestSandbox } from './helpers';

interface TrustHubPage {
  results: { sid: string }[];
  meta: {
    page: number;
    page_size: number;
    url: string;
    first_page_url: string;
    next_page_url: string | null;
    previous_page_url: string | null;
    key: string;
  };
}
interface ApiPage {
  incoming_phone_numbers: { phone_number: string }[];
  start: number;
  end: number;
  page: number;
  page_size: number;
  uri: string;
  first_page_uri: string;
  next_page_uri: string | null;
  previous_page_uri: string | null;
}

describe('paging (PageSize, Page, PageToken) through SDK auto-paging', () => {
  // This file's own exchanges: the conformance check below can only pass on requests made here.
  const recorded: Recorded[] = [];
  let t: TestSandbox;
  const get = async <T>(path: string): Promise<{ status: number; body: T }> => {
    const res = await t.client.request({ method: 'get', uri: `${t.sandbox.url}${path}` });
    return { status: res.statusCode, body: res.body as T };
  };
  before(async () => {
    t = await startTestSandbox({}, recorded);
    for (let i = 0; i < 7; i++)
      await t.client.trusthub.v1.endUsers.create({
        friendlyName: `user ${i}`,
        type: 'cnam_information',
        attributes: { cnam_display_name: `NAME ${i}` },
      });
  });
  after(() => t.sandbox.close());

  test('list() follows next_page_url across Trust Hub pages', async () => {
    const before = recorded.length;
    const all = await t.client.trusthub.v1.endUsers.list({ pageSize: 3 });
    assert.deepEqual(
      all.map((u) => u.friendlyName),
      [0, 1, 2, 3, 4, 5, 6].map((i) => `user ${i}`),
    );
    const requests = recorded.slice(before).map(({ exchange }) => exchange.query);
    assert.equal(requests.length, 3);
    assert.match(requests[1] ?? '', /PageToken=PT/);
    assert.equal((await t.client.trusthub.v1.endUsers.list({ limit: 5 })).length, 5);
  });

  test('Trust Hub meta links are absolute, tokenised and null at the ends', async () => {
    const first = await get<TrustHubPage>('/v1/EndUsers?PageSize=3');
    assert.equal(first.body.results.length, 3);
    assert.equal(first.body.meta.key, 'results');
    assert.equal(first.body.meta.previous_page_url, null);
    assert.equal(first.body.meta.first_page_url, `${t.sandbox.url}/v1/EndUsers?PageSize=3&Page=0`);
    const next = first.body.meta.next_page_url ?? '';
    assert.ok(next.startsWith(`${t.sandbox.url}/v1/EndUsers?PageSize=3&Page=1&PageToken=PT`));
    const second = await get<TrustHubPage>(next.slice(t.sandbox.url.length));
    assert.equal(second.body.meta.page, 1);
    assert.equal(second.body.meta.url, next);
    assert.ok(second.body.meta.previous_page_url);
    assert.notDeepEqual(
      second.body.results.map((r) => r.sid),
      first.body.results.map((r) => r.sid),
    );
    const third = await get<TrustHubPage>(second.body.meta.next_page_url!.slice(t.sandbox.url.length));
    assert.equal(third.body.results.length, 1);
    assert.equal(third.body.meta.next_page_url, null);

    const page = await t.client.trusthub.v1.endUsers.page({ pageSize: 4 });
    assert.equal(page.instances.length, 4);
    const nextPage = await page.nextPage();
    assert.equal(nextPage?.instances.length, 3);
  });

  test('2010 paging uses flat, relative *_uri fields with start/end indexes', async () => {
    const ac = t.sandbox.accountSid;
    const base = `/2010-04-01/Accounts/${ac}/IncomingPhoneNumbers.json`;
    const first = await get<ApiPage>(`${base}?PageSize=2`);
    assert.deepEqual([first.body.start, first.body.end, first.body.page, first.body.page_size], [0, 1, 0, 2]);
    assert.equal(first.body.first_page_uri, `${base}?PageSize=2&Page=0`);
    assert.equal(first.body.uri, `${base}?PageSize=2&Page=0`);
    assert.match(
      first.body.next_page_uri ?? '',
      /^\/2010-04-01\/Accounts\/AC[0-9a-f]{32}\/IncomingPhoneNumbers\.json\?PageSize=2&Page=1&PageToken=PT/,
    );
    const second = await get<ApiPage>(first.body.next_page_uri!);
    assert.deepEqual([second.body.start, second.body.end, second.body.page], [2, 3, 1]);
    const all = await t.client.incomingPhoneNumbers.list({ pageSize: 2 });
    assert.equal(all.length, 7);
    const none = await get<ApiPage>(`${base}?PhoneNumber=%2B19999999999`);
    assert.deepEqual(
      [none.body.incoming_phone_numbers.length, none.body.start, none.body.end, none.body.next_page_uri],
      [0, 0, 0, null],
    );
  });

  test('PhoneNumber filter: exact, * for one digit, and an unencoded + arriving as a space', async () => {
    const ac = t.sandbox.accountSid;
    const numbers = async (raw: string) =>
      (
        await get<ApiPage>(`/2010-04-01/Accounts/${ac}/IncomingPhoneNumbers.json?PhoneNumber=${raw}`)
      ).body.incoming_phone_numbers.map((n) => n.phone_number);
    assert.deepEqual(await numbers('%2B12065550103'), ['+12065550103']);
    assert.deepEqual(await numbers('+12065550103'), ['+12065550103']);
    assert.deepEqual(await numbers('%2B1206555010*'), [
      '+12065550100',
      '+12065550101',
      '+12065550102',
      '+12065550103',
      '+12065550104',
    ]);
    assert.deepEqual(await numbers('%2B12065550199'), []);
    const viaSdk = await t.client.incomingPhoneNumbers.list({ phoneNumber: '+1*005550100' });
    assert.deepEqual(
      viaSdk.map((n) => n.phoneNumber),
      ['+18005550100'],
    );
    const echoed = await get<ApiPage>(`/2010-04-01/Accounts/${ac}/IncomingPhoneNumbers.json?PhoneNumber=+12065550103`);
    assert.match(echoed.body.uri, /PhoneNumber=%2B12065550103/);
  });

  test("ChannelEndpointSids filters a profile's numbers by a comma-separated list", async () => {
    const th = t.client.trusthub.v1;
    const bu = t.sandbox.defaultBusinessProfileSid;
    const numbers = await t.client.incomingPhoneNumbers.list({ phoneNumber: '+1206555010*' });
    for (const n of numbers)
      await th.customerProfiles(bu).customerProfilesChannelEndpointAssignment.create({
        channelEndpointSid: n.sid,
        channelEndpointType: 'phone-number',
      });
    const wanted = [numbers[1]!.sid, numbers[3]!.sid];
    const hits = await th
      .customerProfiles(bu)
      .customerProfilesChannelEndpointAssignment.list({ channelEndpointSids: wanted.join(',') });
    assert.deepEqual(
      hits.map((a) => a.channelEndpointSid),
      wanted,
    );
    const one = await th
      .customerProfiles(bu)
      .customerProfilesChannelEndpointAssignment.list({ channelEndpointSid: numbers[2]!.sid });
    assert.equal(one.length, 1);
    const paged = await th.customerProfiles(bu).customerProfilesChannelEndpointAssignment.list({ pageSize: 2 });
    assert.equal(paged.length, 5);
  });

  test('out-of-range PageSize and a forged PageToken are 400 / 20001', async () => {
    for (const q of ['PageSize=0', 'PageSize=1001', 'PageSize=abc', 'PageToken=garbage']) {
      const res = await get<{ code: number }>(`/v1/EndUsers?${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.code, 20001, q);
    }
    await expectRestError(t.client.trusthub.v1.trustProducts.page({ pageSize: 5000 }), { status: 400, code: 20001 });
  });

  test('every response in this file matches the OpenAPI spec', () => {
    // Run alone, only the seven creates from before() are recorded: insist on the pages and errors this file is about.
    const seen = (what: (e: SandboxExchange) => boolean) => recorded.some(({ exchange }) => what(exchange));
    assert.ok(
      seen((e) => e.method === 'GET' && e.path === '/v1/EndUsers' && /PageToken=PT/.test(e.query) && e.status === 200),
      'a tokenised Trust Hub page',
    );
    assert.ok(
      seen(
        (e) =>
          e.method === 'GET' &&
          e.path.endsWith('/IncomingPhoneNumbers.json') &&
          /PageToken=PT/.test(e.query) &&
          e.status === 200,
      ),
      'a tokenised 2010 page',
    );
    assert.ok(
      seen(
        (e) =>
          e.path.endsWith('/ChannelEndpointAssignments') && /ChannelEndpointSids=/.test(e.query) && e.status === 200,
      ),
      'a ChannelEndpointSids filter',
    );
    assert.ok(
      seen((e) => e.status === 400),
      'a 400 for a bad PageSize or PageToken',
    );
    assert.deepEqual(conformanceErrors(recorded), []);
  });
});
