/**
 * The fleet routes through `app.request` (no socket) against a real dev server, worker and sandboxes
 * that decide reviews after half a second. Fleets that must finish use the sandbox accounts' numbers
 * (Flowroute 12065550100-0102 and 13125550100, Twilio 12065550103) and tuning columns of seconds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../helpers/temporal';
import { call, startStack, testApp, type Stack } from './stack';

let stack: Stack;
let app: ReturnType<typeof testApp>['app'];
let logs: ReturnType<typeof testApp>['logs'];

before(async () => {
  stack = await startStack({ flowrouteApprovalDelayMs: 500, twilioDecisionDelayMs: 500 }, { queuePrefix: 'fleet-api' });
  ({ app, logs } = testApp(stack));
});
after(() => stack?.close());

const FAST_FLOWROUTE = { approvalPollInitial: '1s', approvalPollMax: '2s', associationWait: '1s' };
const FAST_TWILIO = { reviewPollInitial: '1s', reviewPollMax: '2s', propagationWait: '1s' };
const flowroute = (number: string | number, displayName: string) => ({
  provider: 'flowroute',
  number,
  displayName,
  ...FAST_FLOWROUTE,
});
const problemKeys = (body: { problems?: { field: string; rule: string }[] }) =>
  (body.problems ?? []).map((p) => `${p.field}:${p.rule}`);

// Lines 5 and 6 are refused (toll-free; the same number as line 1); the rest form three groups.
const rows = () => [
  flowroute('+12065550100', 'Harbor Dental'),
  flowroute('206-555-0102', 'Harbor Dental'),
  flowroute('+13125550100', 'Lakeside Books'),
  {
    provider: 'twilio',
    number: '+12065550103',
    displayName: 'Blue Harbor',
    businessProfileSid: stack.sandboxes.twilio.defaultBusinessProfileSid,
    notificationEmail: 'ops@example.com',
    ...FAST_TWILIO,
  },
  flowroute('+18005550100', 'Toll Free'),
  flowroute('206.555.0100', 'Harbor Dental'),
];

async function completed(fleetId: string) {
  return eventually(
    async () => {
      const res = await call(app, 'GET', `/v1/fleets/${fleetId}`);
      assert.equal(res.status, 200, res.text);
      return res.body.state === 'running' ? undefined : res.body;
    },
    `${fleetId} to end`,
    60_000,
  );
}

/** Every page of the fleet's numbers, following nextCursor. */
async function allPages(fleetId: string, query: string) {
  const pages: { numbers: { number: string; line: number; state: string }[]; nextCursor: string | null }[] = [];
  for (let cursor: string | null = null; pages.length === 0 || cursor; ) {
    const res = await call(
      app,
      'GET',
      `/v1/fleets/${fleetId}/numbers?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(res.status, 200, res.text);
    pages.push(res.body);
    cursor = res.body.nextCursor;
  }
  return pages;
}

describe('POST /v1/fleets', () => {
  test('a dry run answers the plan: groups with their lines, refused rows by line; nothing starts', async () => {
    const res = await call(app, 'POST', '/v1/fleets', { json: { rows: rows(), dryRun: true } });
    assert.equal(res.status, 200, res.text);
    const { fleetId, dryRun, plan } = res.body;
    assert.match(fleetId, /^cnam-fleet-[0-9a-f]{16}$/);
    assert.deepEqual([dryRun, plan.fleetId, plan.rows, plan.numbers], [true, fleetId, 6, 4]);
    assert.deepEqual(
      plan.groups.map((g: { provider: string; label: string; workflowId: string; numbers: { line: number }[] }) => [
        g.provider,
        g.label,
        g.workflowId,
        g.numbers.map((n) => n.line),
      ]),
      [
        ['flowroute', 'Flowroute "Harbor Dental"', 'cnam-flowroute-12065550100', [1, 2]],
        ['flowroute', 'Flowroute "Lakeside Books"', 'cnam-flowroute-13125550100', [3]],
        ['twilio', 'Twilio "Blue Harbor"', 'cnam-twilio-12065550103', [4]],
      ],
    );
    assert.deepEqual(plan.groups[0].numbers, [
      { number: '+12065550100', line: 1 },
      { number: '+12065550102', line: 2 },
    ]);
    assert.deepEqual(
      plan.refused.map((r: { line: number; number: string }) => [r.line, r.number]),
      [
        [5, '+18005550100'],
        [6, '206.555.0100'],
      ],
    );
    assert.match(plan.refused[0].reason, /^number \(not-toll-free\)/);
    assert.equal(plan.refused[1].reason, 'duplicate: +12065550100 is already on line 1');
    assert.equal(res.headers.get('Location'), null);
    assert.equal((await call(app, 'GET', `/v1/fleets/${fleetId}`)).status, 404, 'a dry run starts nothing');
  });

  test('every row refused: 400 naming each row by line, field and rule; a dry run of them is still the plan', async () => {
    const refused = [
      flowroute('+18005550100', 'Seattle Police'),
      { provider: 'bandwidth', number: '+12065550100', displayName: 'Bob Law' },
      { provider: 'twilio', number: '+12065550101', displayName: 'Bob Law' },
      flowroute('12', 'Bob Law'),
    ];
    const res = await call(app, 'POST', '/v1/fleets', { json: { rows: refused } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error, 'invalid-request');
    assert.deepEqual(problemKeys(res.body), [
      'rows.1.number:not-toll-free',
      'rows.1.displayName:not-misleading',
      'rows.2.provider:known-provider',
      'rows.3.businessProfileSid:format',
      'rows.3.notificationEmail:format',
      'rows.4.number:valid-number',
    ]);
    assert.match(res.body.problems[1].message, /"Seattle Police" contains "police"/);
    const dry = await call(app, 'POST', '/v1/fleets', { json: { rows: refused, dryRun: true } });
    assert.equal(dry.status, 200, dry.text);
    assert.deepEqual([dry.body.plan.numbers, dry.body.plan.refused.length], [0, 4]);
  });

  test('structure errors are 400 with rows numbered from 1; a bad fleet id, option or key too', async () => {
    const shape = await call(app, 'POST', '/v1/fleets', {
      json: {
        rows: [flowroute('+12065550100', 'Bob Law'), { provider: 'flowroute', number: true, associationwait: '1s' }],
        fleetId: 'fleet 1',
        maxConcurrentGroups: 0,
        colour: 'red',
      },
    });
    assert.equal(shape.status, 400, shape.text);
    assert.deepEqual(problemKeys(shape.body).sort(), [
      'colour:unrecognized_keys',
      'fleetId:invalid_format',
      'maxConcurrentGroups:too_small',
      'rows.2.associationwait:unrecognized_keys',
      'rows.2.displayName:invalid_union',
      'rows.2.number:invalid_union',
    ]);
    for (const body of [{ rows: [] }, {}, { rows: 'x' }]) {
      const res = await call(app, 'POST', '/v1/fleets', { json: body });
      assert.deepEqual([res.status, res.body.error], [400, 'invalid-request'], res.text);
    }
  });

  test('a fleet started through the API completes; applying it again is 200 and starts nothing', {
    timeout: 90_000,
  }, async () => {
    const first = await call(app, 'POST', '/v1/fleets', { json: { rows: rows(), maxConcurrentGroups: 2 } });
    assert.equal(first.status, 201, first.text);
    const { fleetId } = first.body;
    assert.deepEqual(
      [first.body.dryRun, first.body.started, first.body.alreadyRunning, first.body.alreadyDone],
      [false, true, false, 0],
    );
    assert.equal(first.headers.get('Location'), `/v1/fleets/${fleetId}`);
    assert.deepEqual(first.body.links, { self: `/v1/fleets/${fleetId}`, numbers: `/v1/fleets/${fleetId}/numbers` });
    assert.deepEqual(
      first.body.plan.refused.map((r: { line: number }) => r.line),
      [5, 6],
    );
    assert.ok(logs.some((l) => l.path === '/v1/fleets' && l.status === 201 && l.workflowId === fleetId));

    const whileRunning = await call(app, 'POST', '/v1/fleets', { json: { rows: rows() } });
    assert.equal(whileRunning.status, 200, whileRunning.text);
    assert.deepEqual(
      [whileRunning.body.fleetId, whileRunning.body.alreadyRunning, whileRunning.body.started],
      [fleetId, true, false],
    );

    const report = await completed(fleetId);
    assert.equal(report.state, 'completed', JSON.stringify(report));
    assert.equal(report.failure, null);
    assert.deepEqual(report.status.counts, { pending: 0, running: 0, done: 4, failed: 0 });
    assert.deepEqual(report.status.groups, { total: 3, running: 0, done: 3, failed: 0 });
    assert.equal(report.status.summary, '4 of 4 done');
    assert.equal(report.status.numbers, undefined, 'numbers are paged on their own route');
    const snapshot = stack.sandboxes.flowroute.snapshot();
    assert.equal(snapshot.assignments['12065550100'], snapshot.assignments['12065550102'], 'one record per name');

    const again = await call(app, 'POST', '/v1/fleets', { json: { rows: rows() } });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(
      [again.body.fleetId, again.body.alreadyRunning, again.body.started, again.body.alreadyDone],
      [fleetId, false, false, 4],
    );
    assert.equal(again.headers.get('Location'), null);
    assert.equal(stack.sandboxes.flowroute.snapshot().writeCounts['POST /v2/cnams'], 2, 'no record created again');
    assert.equal((await completed(fleetId)).state, 'completed', 'no new run');
  });
});

describe('GET /v1/fleets/{id} and /numbers', () => {
  test("a finished fleet's numbers page through with a cursor, filtered by state", { timeout: 90_000 }, async () => {
    const { fleetId } = (await call(app, 'POST', '/v1/fleets', { json: { rows: rows() } })).body;
    await completed(fleetId);
    const pages = await allPages(fleetId, 'limit=3');
    assert.deepEqual(
      pages.map((p) => p.numbers.length),
      [3, 1],
    );
    assert.equal(pages.at(-1)!.nextCursor, null);
    assert.deepEqual(
      pages.flatMap((p) => p.numbers.map((n) => `${n.line} ${n.number} ${n.state}`)),
      ['1 +12065550100 done', '2 +12065550102 done', '3 +13125550100 done', '4 +12065550103 done'],
    );
    const first = (await call(app, 'GET', `/v1/fleets/${fleetId}/numbers`)).body;
    assert.deepEqual([first.fleetId, first.total, first.numbers.length, first.nextCursor], [fleetId, 4, 4, null]);
    assert.deepEqual(first.numbers[3], {
      number: '+12065550103',
      line: 4,
      provider: 'twilio',
      workflowId: 'cnam-twilio-12065550103',
      state: 'done',
      failure: null,
    });
    const failed = (await call(app, 'GET', `/v1/fleets/${fleetId}/numbers?state=failed`)).body;
    assert.deepEqual([failed.total, failed.numbers, failed.nextCursor], [0, [], null]);
  });

  test("a number the provider refuses is failed in the provider's words; state=failed finds it", {
    timeout: 60_000,
  }, async () => {
    // A valid US number that is not on the sandbox account.
    const res = await call(app, 'POST', '/v1/fleets', {
      json: { rows: [flowroute('+12065550199', 'Harbor Books')], fleetId: 'cnam-fleet-api-failing' },
    });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.fleetId, 'cnam-fleet-api-failing');
    const report = await completed('cnam-fleet-api-failing');
    assert.deepEqual([report.state, report.status.counts.failed], ['completed', 1]);
    const [page] = await allPages('cnam-fleet-api-failing', 'state=failed&limit=1');
    assert.deepEqual(
      page!.numbers.map((n) => [n.number, n.state]),
      [['+12065550199', 'failed']],
    );
    assert.match((page!.numbers[0] as { failure?: string }).failure ?? '', /is not on this Flowroute account/);

    // Retry runs the failed number again (it fails again: it is still not on the account).
    const retried = await call(app, 'POST', '/v1/fleets/cnam-fleet-api-failing/retry');
    assert.equal(retried.status, 201, retried.text);
    assert.deepEqual([retried.body.fleetId, retried.body.retried], ['cnam-fleet-api-failing', 1]);
    assert.equal(retried.headers.get('Location'), '/v1/fleets/cnam-fleet-api-failing');
    const again = await completed('cnam-fleet-api-failing');
    assert.deepEqual([again.state, again.status.counts.failed, again.status.total], ['completed', 1, 1]);
    const history = await stack.client.workflow.getHandle('cnam-fleet-api-failing').fetchHistory();
    assert.equal(
      history.events?.filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length,
      1,
      'the retry is a new run that started the group again',
    );
  });

  test('retry: 409 when no number failed, 404 for an unknown fleet, 400 for a malformed id', {
    timeout: 90_000,
  }, async () => {
    const { fleetId } = (
      await call(app, 'POST', '/v1/fleets', {
        json: { rows: [flowroute('+12065550100', 'Harbor Dental')], fleetId: 'cnam-fleet-api-all-done' },
      })
    ).body;
    await completed(fleetId);
    const nothing = await call(app, 'POST', `/v1/fleets/${fleetId}/retry`);
    assert.deepEqual([nothing.status, nothing.body.error], [409, 'not-retryable'], nothing.text);
    assert.match(nothing.body.message, /no number failed/);
    const unknown = await call(app, 'POST', '/v1/fleets/cnam-fleet-nothing-here/retry');
    assert.deepEqual([unknown.status, unknown.body.error], [404, 'not-found'], unknown.text);
    const malformed = await call(app, 'POST', '/v1/fleets/not-a-fleet/retry');
    assert.equal(malformed.status, 400, malformed.text);
  });

  test('an unknown fleet is 404, a malformed id 400, a bad cursor, limit or state 400', async () => {
    for (const path of ['/v1/fleets/cnam-fleet-nothing-here', '/v1/fleets/cnam-fleet-nothing-here/numbers']) {
      const res = await call(app, 'GET', path);
      assert.deepEqual([res.status, res.body.error], [404, 'not-found'], `${path}: ${res.text}`);
      assert.match(res.body.message, /No fleet cnam-fleet-nothing-here/);
    }
    for (const path of ['/v1/fleets/cnam-flowroute-12065550100', '/v1/fleets/cnam-fleet-UPPER/numbers']) {
      const res = await call(app, 'GET', path);
      assert.deepEqual([res.status, problemKeys(res.body)], [400, ['id:invalid_format']], path);
    }
    const numbers = '/v1/fleets/cnam-fleet-nothing-here/numbers';
    for (const [query, problem] of [
      ['cursor=not-a-cursor', 'cursor:cursor'],
      [`cursor=${Buffer.from('-1').toString('base64url')}`, 'cursor:cursor'],
      [`cursor=${Buffer.from('12').toString('base64url')}=`, 'cursor:cursor'],
      ['limit=0', 'limit:too_small'],
      ['limit=1001', 'limit:too_big'],
      ['limit=ten', 'limit:invalid_type'],
      ['state=lost', 'state:invalid_value'],
      ['page=2', 'page:unrecognized_keys'],
    ]) {
      const res = await call(app, 'GET', `${numbers}?${query}`);
      assert.deepEqual([res.status, problemKeys(res.body)], [400, [problem]], `${query}: ${res.text}`);
    }
  });
});

describe('body limit and the OpenAPI document', () => {
  test('10,000 rows (far over 64 KiB) are planned; 10,001 are 400; other routes keep their 64 KiB limit', {
    timeout: 60_000,
  }, async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => flowroute(`+1206${2_000_000 + i}`, 'Harbor Dental'));
    const planned = await call(app, 'POST', '/v1/fleets', { json: { rows: many, dryRun: true } });
    assert.equal(planned.status, 200, planned.text.slice(0, 500));
    assert.deepEqual([planned.body.plan.numbers, planned.body.plan.refused.length], [10_000, 0]);
    // Flowroute holds at most 500 numbers on one record: one group per 500 rows of a name.
    assert.equal(planned.body.plan.groups.length, 20);
    const tooMany = await call(app, 'POST', '/v1/fleets', {
      json: { rows: [...many, flowroute('+12065550100', 'Harbor Dental')], dryRun: true },
    });
    assert.deepEqual([tooMany.status, problemKeys(tooMany.body)], [400, ['rows:too_big']]);
    const huge = await call(app, 'POST', '/v1/fleets', {
      body: JSON.stringify({ rows: many.map((r) => ({ ...r, displayName: 'x'.repeat(256) })), dryRun: true }).padEnd(
        4 * 1024 * 1024 + 1,
      ),
      headers: { 'Content-Type': 'application/json' },
    });
    assert.deepEqual([huge.status, huge.body.error], [413, 'payload-too-large']);
    const provision = await call(app, 'POST', '/v1/provisions', {
      json: { ...flowroute('+12065550100', 'Bob Law'), note: 'x'.repeat(70_000) },
    });
    assert.deepEqual([provision.status, provision.body.error], [413, 'payload-too-large']);
  });

  test('10,000 rows with 10,000 names are too large for one fleet input: 400 saying how to split, nothing started', {
    timeout: 60_000,
  }, async () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const name = (i: number) =>
      `Harbor ${letters[i % 26]!.toUpperCase()}${letters[Math.floor(i / 26) % 26]}${letters[Math.floor(i / 676) % 26]}`;
    const rows = Array.from({ length: 10_000 }, (_, i) => flowroute(`+1312${2_000_000 + i}`, name(i)));
    const res = await call(app, 'POST', '/v1/fleets', { json: { rows, fleetId: 'cnam-fleet-api-too-large' } });
    assert.deepEqual([res.status, problemKeys(res.body)], [400, ['rows:fleet-size']], res.text.slice(0, 500));
    assert.match(res.body.problems[0].message, /split the file into fleets of at most about \d+ rows/);
    const none = await call(app, 'GET', '/v1/fleets/cnam-fleet-api-too-large');
    assert.equal(none.status, 404, 'nothing started');
  });

  test('/openapi.json documents the four routes, their operations and every status they answer', async () => {
    const doc = (await call(app, 'GET', '/openapi.json', { token: null })).body;
    const op = (path: string, method: string) => doc.paths[path]?.[method];
    assert.deepEqual(
      [
        op('/v1/fleets', 'post')?.operationId,
        op('/v1/fleets/{id}', 'get')?.operationId,
        op('/v1/fleets/{id}/numbers', 'get')?.operationId,
        op('/v1/fleets/{id}/retry', 'post')?.operationId,
      ],
      ['applyFleet', 'getFleet', 'listFleetNumbers', 'retryFleet'],
    );
    const statuses = (path: string, method: string) => Object.keys(op(path, method).responses).sort();
    assert.deepEqual(statuses('/v1/fleets', 'post'), ['200', '201', '400', '401', '413', '415', '503']);
    assert.deepEqual(statuses('/v1/fleets/{id}', 'get'), ['200', '400', '401', '404', '503']);
    assert.deepEqual(statuses('/v1/fleets/{id}/numbers', 'get'), ['200', '400', '401', '404', '503']);
    assert.deepEqual(statuses('/v1/fleets/{id}/retry', 'post'), ['201', '400', '401', '404', '409', '503']);
    assert.deepEqual(doc.components.schemas.NotRunningError.properties.error.enum, [
      'not-running',
      'not-retryable',
      'number-busy',
      'already-cancelling',
    ]);
    assert.deepEqual(op('/v1/fleets', 'post').security, [{ bearer: [] }]);
    assert.equal(op('/v1/fleets/{id}', 'get').parameters[0].schema.pattern, '^cnam-fleet-[a-z0-9-]{1,64}$');
    assert.equal(doc.components.schemas.FleetApply.properties.rows.maxItems, 10_000);
    assert.equal(doc.components.schemas.FleetRow.additionalProperties, false);
    assert.ok(doc.components.schemas.FleetRow.properties.associationWait, 'tuning options are columns');
    assert.deepEqual(Object.keys(op('/v1/fleets', 'post').responses['201'].links).sort(), [
      'GetFleet',
      'ListFleetNumbers',
    ]);
  });
});
