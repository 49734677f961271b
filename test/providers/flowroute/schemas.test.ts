import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toIsoTimestamp } from '../../../src/providers/flowroute/schemas';
import { clientFor } from './helpers';

describe('toIsoTimestamp', () => {
  for (const [raw, iso] of [
    ['2018-07-10 23:14:28.529156+00:00', '2018-07-10T23:14:28.529Z'],
    ['2018-02-28 16:18:01.670336+00:00', '2018-02-28T16:18:01.670Z'],
    ['2018-07-16T16:18:01Z', '2018-07-16T16:18:01.000Z'],
    ['2018-07-16 16:18:01', '2018-07-16T16:18:01.000Z'],
    ['2018-07-16 18:18:01.5+0200', '2018-07-16T16:18:01.500Z'],
    ['Fri, 01 Jun 2018 00:17:52 GMT', '2018-06-01T00:17:52.000Z'],
  ] as const) {
    test(`${raw} -> ${iso}`, () => assert.equal(toIsoTimestamp(raw), iso));
  }
  test('garbage is null', () => assert.equal(toIsoTimestamp('yesterday-ish'), null));
});

/** Documents in the shapes Flowroute's docs, SDKs and tutorials disagree on. */
const VARIANTS: Record<string, unknown> = {
  '/v2/cnams/1234': {
    data: {
      links: { self: '' },
      type: 'cnam',
      id: 1234,
      attributes: {
        value: 'BOB LAW',
        is_approved: 'True',
        creation_datetime: '2018-07-16T16:18:01Z',
        approval_datetime: '',
        rejection_reason: '',
      },
    },
    included: [
      { id: '12065550100', type: 'number', attributes: {} },
      { id: '9', type: 'route' },
    ],
  },
  '/v2/cnams/1235': {
    data: {
      id: '1235',
      type: 'cnam',
      attributes: {
        value: 'HEARTWOOD',
        is_approved: 'false',
        creation_datetime: '2018-07-10 23:14:28.529156+00:00',
        approval_datetime: null,
        rejection_reason: 'Misleading CNAM',
        alias: null,
      },
      relationships: { numbers: { data: [{ id: 12065550101, type: 'number' }] } },
    },
  },
  '/v2/cnams': {
    data: [
      {
        id: '7',
        type: 'cnam',
        attributes: { value: 'A', is_approved: true, creation_datetime: '2018-07-10 23:14:28.529156+00:00' },
      },
    ],
    links: { self: 'x', next: 'https://api.flowroute.com/v2/cnams?limit=1' },
  },
  '/v2/numbers/12065550100': {
    data: { id: '12065550100', type: 'number', relationships: { cnam_preset: { data: '6272' } } },
  },
  '/v2/numbers/12065550101': { data: { id: 12065550101, attributes: { cnam_lookups_enabled: 'true' } } },
  '/v2/numbers/12065550100/relationships/cnams/22790': {
    data: { attributes: { date_created: 'Fri, 01 Jun 2018 00:17:52 GMT' }, id: 22790, type: 'cnam' },
  },
};

describe('the client reads every documented variant', () => {
  let server: Server;
  let baseUrl: string;

  before(async () => {
    server = createServer((req, res) => {
      const doc = VARIANTS[(req.url ?? '').split('?')[0] ?? ''];
      res.writeHead(doc ? 200 : 404, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc ?? {}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('string booleans, numeric ids, ISO timestamps, empty strings and included numbers', async () => {
    assert.deepEqual(await clientFor(baseUrl).getCnam('1234'), {
      id: '1234',
      value: 'BOB LAW',
      isApproved: true,
      rejectionReason: null,
      createdAt: '2018-07-16T16:18:01.000Z',
      approvedAt: null,
      numberIds: ['12065550100'],
    });
  });

  test('the "false" string of the guide example, microsecond timestamps and relationships with numeric ids', async () => {
    const rec = await clientFor(baseUrl).getCnam('1235');
    assert.equal(rec.isApproved, false);
    assert.equal(rec.rejectionReason, 'Misleading CNAM');
    assert.equal(rec.createdAt, '2018-07-10T23:14:28.529Z');
    assert.deepEqual(rec.numberIds, ['12065550101']);
  });

  test('a next link without offset falls back to offset + page length', async () => {
    const page = await clientFor(baseUrl).listCnams({ limit: 1, offset: 3 });
    assert.equal(page.nextOffset, 4);
    assert.equal(page.records[0]?.isApproved, true);
  });

  test('cnam_preset typed as a plain string (SDK swagger) and missing attributes', async () => {
    const client = clientFor(baseUrl);
    assert.deepEqual(await client.getNumber('12065550100'), {
      id: '12065550100',
      cnamPresetId: '6272',
      numberType: null,
      cnamLookupsEnabled: null,
    });
    const other = await client.getNumber('12065550101');
    assert.equal(other.id, '12065550101');
    assert.equal(other.cnamPresetId, null);
    assert.equal(other.cnamLookupsEnabled, true);
  });

  test("the assign reply's integer id and RFC-1123 date", async () => {
    assert.deepEqual(await clientFor(baseUrl).assignCnam('12065550100', '22790'), {
      cnamId: '22790',
      dateCreated: '2018-06-01T00:17:52.000Z',
    });
  });
});
