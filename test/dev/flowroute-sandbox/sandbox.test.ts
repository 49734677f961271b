import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createFlowrouteSandboxApp,
  FlowrouteSandboxStore,
  type RunningFlowrouteSandbox,
} from '../../../dev/sandbox/flowroute';
import { UUID_V4, basicAuthHeader, manualClock, rawFetch, startSandbox } from './helpers';

const MEDIA = 'application/vnd.api+json';
const FLOWROUTE_DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
const RFC_1123 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

type ErrorDoc = { errors: { id: string; status: number; title: string; detail: string }[] };
type CnamDoc = { data: { id: string; type: string; links: { self: string }; attributes: Record<string, unknown> } };

describe('sandbox wire format (raw HTTP)', () => {
  const clock = manualClock();
  let sandbox: RunningFlowrouteSandbox;
  const url = (path: string) => `${sandbox.url}${path}`;
  // Bytes, because fetch labels a string body text/plain and the no-content-type case needs no label at all.
  const create = (body: string, contentType?: string) =>
    rawFetch(url('/v2/cnams'), {
      method: 'POST',
      body: new TextEncoder().encode(body),
      headers: contentType ? { 'Content-Type': contentType } : {},
    });

  before(async () => {
    sandbox = await startSandbox({ approvalDelayMs: 0, now: clock.now });
  });
  after(() => sandbox.close());
  beforeEach(() => sandbox.reset());

  test("create answers 201 with a JSON:API cnam document in Flowroute's formats", async () => {
    const res = await create('{"value": "Bob Law"}', MEDIA);
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), MEDIA);
    const { data } = (await res.json()) as CnamDoc;
    assert.match(data.id, /^\d+$/);
    assert.equal(data.type, 'cnam');
    assert.equal(data.links.self, url(`/v2/cnams/${data.id}`));
    assert.deepEqual(Object.keys(data.attributes).sort(), [
      'alias',
      'approval_datetime',
      'creation_datetime',
      'is_approved',
      'rejection_reason',
      'value',
    ]);
    assert.equal(data.attributes.value, 'BOB LAW');
    assert.equal(data.attributes.is_approved, false);
    assert.equal(data.attributes.alias, null);
    assert.match(String(data.attributes.creation_datetime), FLOWROUTE_DATETIME);
    assert.equal(data.attributes.approval_datetime, null);
  });

  for (const [label, contentType, body] of [
    ['application/json', 'application/json', '{"value":"Json Co"}'],
    ['the doc typo application/vnd+api.json', 'application/vnd+api.json', '{"value":"Json Co"}'],
    ['form-encoded value=', 'application/x-www-form-urlencoded', 'value=Json+Co'],
    ['a JSON:API wrapped body', MEDIA, '{"data":{"type":"cnam","attributes":{"value":"Json Co"}}}'],
    ['a body with no content type', undefined, '{"value":"Json Co"}'],
  ] as const) {
    test(`create accepts ${label}`, async () => {
      const res = await create(body, contentType);
      assert.equal(res.status, 201);
      assert.equal(((await res.json()) as CnamDoc).data.attributes.value, 'JSON CO');
    });
  }

  test('an unsupported content type is 415 and malformed JSON is 400', async () => {
    const unsupported = await create('Json Co', 'text/plain');
    assert.equal(unsupported.status, 415);
    assert.equal(((await unsupported.json()) as ErrorDoc).errors[0]?.title, 'Unsupported Media Type');
    const malformed = await create('{"value": ', 'application/json');
    assert.equal(malformed.status, 400);
    assert.equal(sandbox.snapshot().records.length, 0);
  });

  test('a missing or non-string value is 422 Invalid CNAM value', async () => {
    for (const body of ['{}', '{"value": 42}']) {
      const res = await create(body, MEDIA);
      assert.equal(res.status, 422);
      assert.equal(((await res.json()) as ErrorDoc).errors[0]?.title, 'Invalid CNAM value');
    }
  });

  test("the duplicate 422 body is exactly Flowroute's, with a fresh UUIDv4 id each time", async () => {
    await create('{"value":"Bob Law"}', MEDIA);
    const ids = [];
    for (let i = 0; i < 2; i++) {
      const res = await create('{"value":"BOB LAW"}', MEDIA);
      assert.equal(res.status, 422);
      assert.equal(res.headers.get('content-type'), MEDIA);
      const body = (await res.json()) as ErrorDoc;
      assert.equal(body.errors.length, 1);
      const [e] = body.errors;
      assert.deepEqual(
        { ...e, id: undefined },
        {
          id: undefined,
          status: 422,
          title: 'Invalid CNAM value',
          detail: 'Duplicate CNAM entry found on your account.',
        },
      );
      assert.match(e?.id ?? '', UUID_V4);
      ids.push(e?.id);
    }
    assert.notEqual(ids[0], ids[1]);
  });

  test("missing or wrong credentials give Flowroute's 401 body", async () => {
    for (const auth of [null, basicAuthHeader('test-access-key', 'nope'), basicAuthHeader('nobody'), 'Bearer x']) {
      const res = await rawFetch(url('/v2/cnams'), { auth });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('content-type'), MEDIA);
      const [e] = ((await res.json()) as ErrorDoc).errors;
      assert.equal(e?.status, 401);
      assert.equal(e?.title, 'Unauthorized');
      assert.equal(e?.detail, 'Authentication failed.');
      assert.match(e?.id ?? '', UUID_V4);
    }
  });

  test('the list carries links.self always and links.next only while more records remain', async () => {
    for (const v of ['Alpha', 'Bravo', 'Charlie']) await create(JSON.stringify({ value: v }), MEDIA);
    const page = async (qs: string) =>
      (await (await rawFetch(url(`/v2/cnams${qs}`))).json()) as {
        data: unknown[];
        links: { self: string; next?: string };
      };
    const first = await page('?is_approved=True&limit=2');
    assert.equal(first.data.length, 2);
    assert.equal(first.links.self, url('/v2/cnams?is_approved=True&limit=2'));
    assert.equal(first.links.next, url('/v2/cnams?is_approved=True&limit=2&offset=2'));
    const last = await page('?is_approved=True&limit=2&offset=2');
    assert.equal(last.data.length, 1);
    assert.equal('next' in last.links, false);
    assert.equal((await page('')).data.length, 3);
    assert.equal((await rawFetch(url('/v2/cnams?limit=0'))).status, 400);
    assert.equal((await rawFetch(url('/v2/cnams?is_approved=maybe'))).status, 400);
  });

  test('the default page size is 10', async () => {
    for (let i = 0; i < 12; i++) await create(JSON.stringify({ value: `Name ${i}` }), MEDIA);
    const body = (await (await rawFetch(url('/v2/cnams'))).json()) as { data: unknown[]; links: { next?: string } };
    assert.equal(body.data.length, 10);
    assert.match(body.links.next ?? '', /limit=10&offset=10$/);
  });

  test("singular and plural relationship paths both assign and unassign, with Flowroute's 202 bodies", async () => {
    const { data } = (await (await create('{"value":"Bob Law"}', MEDIA)).json()) as CnamDoc;
    await rawFetch(url(`/v2/cnams/${data.id}`)); // first read approves (delay 0)
    for (const rel of ['cnam', 'cnams']) {
      const assigned = await rawFetch(url(`/v2/numbers/12065550100/relationships/${rel}/${data.id}`), {
        method: 'PATCH',
      });
      assert.equal(assigned.status, 202);
      const body = (await assigned.json()) as {
        data: { id: unknown; type: string; attributes: { date_created: string } };
      };
      assert.equal(body.data.id, Number(data.id));
      assert.equal(body.data.type, 'cnam');
      assert.match(body.data.attributes.date_created, RFC_1123);
      assert.deepEqual(sandbox.snapshot().assignments, { '12065550100': data.id });
      const removed = await rawFetch(url(`/v2/numbers/12065550100/relationships/${rel}`), { method: 'DELETE' });
      assert.equal(removed.status, 202);
      const gone = (await removed.json()) as { data: { id: unknown; type: string } };
      assert.equal(gone.data.id, null);
      assert.equal(gone.data.type, 'cnam');
      assert.deepEqual(sandbox.snapshot().assignments, {});
    }
    const counts = sandbox.snapshot().requestCounts;
    assert.equal(counts['PATCH /v2/numbers/:number/relationships/cnam/:id'], 1);
    assert.equal(counts['DELETE /v2/numbers/:number/relationships/cnam'], 1);
  });

  test("an approved record's detail always has relationships.numbers and adds included numbers when assigned", async () => {
    const { data } = (await (await create('{"value":"Bob Law"}', MEDIA)).json()) as CnamDoc;
    const detail = async () =>
      (await (await rawFetch(url(`/v2/cnams/${data.id}`))).json()) as {
        data: { relationships?: { numbers: { data: { id: string; type: string }[] } } };
        included?: { id: string; type: string }[];
      };
    const empty = await detail();
    assert.deepEqual(empty.data.relationships, { numbers: { data: [] } });
    assert.equal(empty.included, undefined);
    await rawFetch(url(`/v2/numbers/12065550101/relationships/cnams/${data.id}`), { method: 'PATCH' });
    const tied = await detail();
    assert.deepEqual(tied.data.relationships?.numbers.data, [{ id: '12065550101', type: 'number' }]);
    assert.deepEqual(
      tied.included?.map((i) => [i.id, i.type]),
      [['12065550101', 'number']],
    );
  });

  test('the number document shows cnam_preset and the cnam in included', async () => {
    const { data } = (await (await create('{"value":"Bob Law"}', MEDIA)).json()) as CnamDoc;
    sandbox.approve(data.id);
    await rawFetch(url(`/v2/numbers/12065550100/relationships/cnams/${data.id}`), { method: 'PATCH' });
    const doc = (await (await rawFetch(url('/v2/numbers/12065550100'))).json()) as {
      data: {
        id: string;
        type: string;
        relationships: { cnam_preset: { data: unknown } };
        attributes: Record<string, unknown>;
      };
      included: { id: string; type: string }[];
    };
    assert.equal(doc.data.type, 'number');
    assert.deepEqual(doc.data.relationships.cnam_preset.data, { id: data.id, type: 'cnam' });
    assert.deepEqual(
      doc.included.map((i) => [i.id, i.type]),
      [[data.id, 'cnam']],
    );
    assert.equal(doc.data.attributes.number_type, 'standard');
  });

  test('GET /v2/numbers lists the configured numbers with starts_with/ends_with/contains', async () => {
    const ids = async (qs: string) =>
      ((await (await rawFetch(url(`/v2/numbers${qs}`))).json()) as { data: { id: string }[] }).data.map((n) => n.id);
    assert.deepEqual(await ids(''), ['12065550100', '12065550101', '12065550102', '13125550100']);
    assert.deepEqual(await ids('?starts_with=1312'), ['13125550100']);
    assert.deepEqual(await ids('?ends_with=01'), ['12065550101']);
    assert.deepEqual(await ids('?contains=55501&limit=2&offset=1'), ['12065550101', '12065550102']);
  });

  test('unknown records, numbers and routes are 404 and wrong methods 405, all as error documents', async () => {
    const cases: [string, string, number, string?][] = [
      ['GET', '/v2/cnams/999999', 404, 'CNAM record not found.'],
      ['DELETE', '/v2/cnams/999999', 404, 'CNAM record not found. Nothing to delete.'],
      ['GET', '/v2/cnams/abc', 404],
      ['GET', '/v2/numbers/19995550100', 404],
      ['DELETE', '/v2/numbers/19995550100/relationships/cnams', 404],
      ['GET', '/v2/nothing-here', 404],
      ['PUT', '/v2/cnams', 405],
    ];
    for (const [method, path, status, detail] of cases) {
      const res = await rawFetch(url(path), { method });
      assert.equal(res.status, status, `${method} ${path}`);
      const [e] = ((await res.json()) as ErrorDoc).errors;
      assert.equal(e?.status, status);
      if (detail) assert.equal(e?.detail, detail);
    }
  });

  test('custom numbers and credentials are honoured', async () => {
    const custom = await startSandbox({ numbers: ['16465550199'], accessKey: 'k', secretKey: 's' });
    try {
      const ok = await rawFetch(`${custom.url}/v2/numbers/16465550199`, { auth: basicAuthHeader('k', 's') });
      assert.equal(ok.status, 200);
      const missing = await rawFetch(`${custom.url}/v2/numbers/12065550100`, { auth: basicAuthHeader('k', 's') });
      assert.equal(missing.status, 404);
    } finally {
      await custom.close();
    }
  });
});

describe('createFlowrouteSandboxApp without a socket', () => {
  test('app.request serves the same API with the default credentials', async () => {
    const { app } = createFlowrouteSandboxApp();
    const auth = basicAuthHeader('sandbox-access-key', 'sandbox-secret-key');
    const res = await app.request('/v2/cnams', {
      method: 'POST',
      headers: { Authorization: auth, 'Content-Type': MEDIA },
      body: '{"value":"No Socket"}',
    });
    assert.equal(res.status, 201);
    const list = await app.request('/v2/numbers', { headers: { Authorization: auth } });
    assert.equal(((await list.json()) as { data: unknown[] }).data.length, 4);
  });

  test('the exported FlowrouteSandboxStore class still works on its own', () => {
    const clock = manualClock();
    const store = new FlowrouteSandboxStore({
      numbers: ['12065550100'],
      approvalDelayMs: 1000,
      autoReview: true,
      now: clock.now,
    });
    const rec = store.create('BOB LAW');
    assert.equal(store.findByValue('bob law')?.id, rec.id);
    assert.equal(store.get(rec.id)?.status, 'pending');
    clock.advance(1000);
    assert.equal(store.list()[0]?.status, 'approved');
    const number = store.number('12065550100');
    assert.ok(number);
    store.assign(number, rec.id);
    assert.deepEqual(
      store.numbersUsing(rec.id).map((n) => n.id),
      ['12065550100'],
    );
    store.delete(rec.id);
    assert.equal(number.cnamId, null);
    store.reset();
    assert.deepEqual(store.list(), []);
  });
});
