/** The API's pure parts: reading Twilio callbacks, duration bounds, the cancel/check-now race, the environment schema, the visibility query. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { toApiError } from '../../src/api/errors';
import { cancelProvision } from '../../src/app/control';
import { readCallback } from '../../src/providers/twilio/webhook-body';
import { ProvisionStartSchema, zodProblems } from '../../src/app/schemas';
import { loadApiEnv } from '../../src/api/config';
import { ConfigError } from '../../src/config/env';
import { provisionQuery } from '../../src/app/list';
import { AlreadyCancellingError, InvalidRequestError, ProvisionNotRunningError } from '../../src/app/errors';
import {
  decodeCursor,
  encodeCursor,
  nextCursor,
  parseFleetApply,
  planFleetRequest,
  refusalProblems,
} from '../../src/app/fleet-schemas';

describe('readCallback', () => {
  const sid = `BU${'ab'.repeat(16)}`;
  test('finds the BU SID under any field name public receivers guess, in a form', () => {
    for (const field of ['BundleSid', 'Sid', 'TrustProductSid', 'CustomerProfileSid', 'ObjectSid', 'ResourceSid']) {
      const callback = readCallback(
        'application/x-www-form-urlencoded; charset=utf-8',
        new URLSearchParams({ AccountSid: 'AC1', [field]: sid, Status: 'twilio-approved' }).toString(),
      );
      assert.deepEqual(
        [callback.kind, callback.trustProductSids, callback.status],
        ['form', [sid], 'twilio-approved'],
        field,
      );
      assert.deepEqual(callback.fieldNames, ['AccountSid', field, 'Status']);
    }
  });
  test('finds SIDs nested in JSON and inside URLs, keeps field paths but no values', () => {
    const other = `BU${'cd'.repeat(16)}`;
    const body = JSON.stringify({
      data: {
        links: { self: `https://trusthub.twilio.com/v1/TrustProducts/${sid}` },
        related: [{ sid: other }, { sid }],
      },
      status: 'in-review',
    });
    const callback = readCallback('application/json', body);
    assert.deepEqual(callback.trustProductSids, [sid, other]);
    assert.deepEqual(callback.fieldNames, [
      'data',
      'data.links',
      'data.links.self',
      'data.related',
      'data.related[].sid',
      'status',
    ]);
    assert.equal(callback.status, 'in-review');
    assert.ok(!callback.fieldNames.some((name) => name.includes('BU')), 'no values in the names');
  });
  test('no SID, look-alikes and unknown content: nothing found, nothing thrown', () => {
    assert.deepEqual(
      readCallback('application/json', '{"Sid":"BU123","ResourceSid":"XBU' + 'a'.repeat(32) + '"}').trustProductSids,
      [],
    );
    assert.deepEqual(readCallback(undefined, 'not json').trustProductSids, []);
    assert.deepEqual(readCallback('text/plain', `sid=${sid}`).trustProductSids, [sid]);
  });
});

describe('duration fields', () => {
  const start = (extra: Record<string, unknown>) =>
    ProvisionStartSchema.safeParse({ provider: 'flowroute', number: '+12065550100', displayName: 'Bob Law', ...extra });
  test('refuses values out of bounds or not durations with rule duration, naming the bounds', () => {
    for (const value of [1e308, '999999999d', 0, -5, 'soon', '', true, null, Number.NaN, '5 fortnights']) {
      const result = start({ approvalTimeout: value });
      assert.ok(!result.success, `${String(value)} refused`);
      assert.deepEqual(
        zodProblems(result.error).map((p) => `${p.field}:${p.rule}`),
        ['approvalTimeout:duration'],
        String(value),
      );
      assert.match(zodProblems(result.error)[0]!.message, /between 1s and 90d/);
    }
    assert.match(zodProblems(start({ approvalPollMax: '8d' }).error!)[0]!.message, /between 1s and 7d/);
  });
  test('accepts milliseconds and strings within bounds, as given', () => {
    const result = start({
      approvalTimeout: '48h',
      approvalPollInitial: 1000,
      approvalPollMax: '2 Days',
      associationWait: '1.5h',
    });
    assert.ok(result.success, JSON.stringify(result.error?.issues));
    assert.deepEqual(
      result.data.provider === 'flowroute' && [result.data.approvalTimeout, result.data.approvalPollInitial],
      ['48h', 1000],
    );
  });
});

describe('cancelProvision', () => {
  const id = 'cnam-flowroute-12065550100';
  const gone = () => Promise.reject(new WorkflowNotFoundError('workflow execution already completed', id, undefined));
  // Only what cancelProvision touches: describe() of the run (each call the next status), its history and cancel().
  const clientSeeing = (statuses: (string | null)[], cancel: () => Promise<void> = gone, events: unknown[] = []) =>
    ({
      workflow: {
        getHandle: () => ({
          cancel,
          fetchHistory: async () => ({ events }),
          describe: async () => {
            const status = statuses.shift() ?? null;
            return status ? { status: { name: status } } : gone();
          },
        }),
      },
    }) as unknown as Client;

  test('a closed run is "not running" (409), not "no such provisioning" (404)', async () => {
    await assert.rejects(
      cancelProvision(clientSeeing(['CANCELLED']), id),
      (err) => err instanceof ProvisionNotRunningError && err.state === 'cancelled',
    );
    assert.equal(
      toApiError(await cancelProvision(clientSeeing(['COMPLETED']), id).catch((e: unknown) => e)).status,
      409,
    );
  });
  test('a run that closes between describe and cancel is "not running" too', async () => {
    await assert.rejects(
      cancelProvision(clientSeeing(['RUNNING', 'TIMED_OUT']), id),
      (err) => err instanceof ProvisionNotRunningError && err.state === 'timed-out',
    );
  });
  test('an unknown id stays not found; a running one is cancelled', async () => {
    await assert.rejects(cancelProvision(clientSeeing([null]), id), WorkflowNotFoundError);
    let cancelled = false;
    const cancel = async () => {
      cancelled = true;
    };
    assert.deepEqual(await cancelProvision(clientSeeing(['RUNNING'], cancel), id), {
      workflowId: id,
      cancelRequested: true,
    });
    assert.ok(cancelled);
  });
  test('a run whose history holds a cancel request is "already cancelling" (409), and is not cancelled again', async () => {
    let cancels = 0;
    const cancel = async () => {
      cancels++;
    };
    const requested = [{ eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED }];
    const err = await cancelProvision(clientSeeing(['RUNNING'], cancel, requested), id).catch((e: unknown) => e);
    assert.ok(err instanceof AlreadyCancellingError);
    assert.deepEqual([toApiError(err).status, toApiError(err).code, cancels], [409, 'already-cancelling', 0]);
  });
});

describe('loadApiEnv', () => {
  const token = { CNAM_API_TOKEN: 'x'.repeat(16) };
  test('defaults, and the webhook needs the auth token', () => {
    assert.deepEqual(loadApiEnv(token), {
      ...token,
      CNAM_API_PORT: 8080,
      CNAM_API_HOST: '127.0.0.1',
      callbackSecrets: {},
    });
    assert.throws(
      () =>
        loadApiEnv({ ...token, CNAM_PUBLIC_WEBHOOK_URL: 'https://cnam.example.com/webhooks/twilio/trust-products' }),
      /TWILIO_AUTH_TOKEN: is required/,
    );
  });
  test('a missing or short token and a bad URL or port name the variable', () => {
    assert.throws(
      () => loadApiEnv({}),
      (err: unknown) => err instanceof ConfigError && /CNAM_API_TOKEN/.test(err.message),
    );
    assert.throws(() => loadApiEnv({ CNAM_API_TOKEN: 'short' }), /CNAM_API_TOKEN: must be at least 16 characters/);
    assert.throws(
      () => loadApiEnv({ ...token, CNAM_PUBLIC_WEBHOOK_URL: 'ftp://x', CNAM_API_PORT: '99999' }),
      /CNAM_API_PORT[\s\S]*CNAM_PUBLIC_WEBHOOK_URL: must be an http\(s\) URL/,
    );
  });
});

describe('provisionQuery', () => {
  test('workflow types always, search attributes when given, the number normalised', () => {
    // Renames, removals and adoptions run under the numbers' ids and are listed with the provisionings.
    assert.equal(
      provisionQuery({}),
      'WorkflowType IN ("provisionFlowrouteCnam", "renameFlowrouteCnam", "removeFlowrouteCnam", "adoptFlowrouteCnam", ' +
        '"provisionTwilioCnam", "renameTwilioCnam", "removeTwilioCnam", "adoptTwilioCnam")',
    );
    assert.equal(
      provisionQuery({ provider: 'twilio', number: '(206) 555-0100', step: 'awaiting-approval', state: 'cancelled' }),
      'WorkflowType IN ("provisionTwilioCnam", "renameTwilioCnam", "removeTwilioCnam", "adoptTwilioCnam") AND (CnamPhoneNumber = "+12065550100" OR WorkflowId IN ("cnam-twilio-12065550100"))' +
        ' AND CnamStep = "awaiting-approval" AND ExecutionStatus = "Canceled"',
    );
    assert.throws(() => provisionQuery({ number: '" OR 1=1' }), InvalidRequestError);
  });
});

describe('fleet requests', () => {
  test("refusal reasons become problems on rows.<line>.<field>, messages containing '; ' kept whole", () => {
    const problems = refusalProblems([
      {
        line: 3,
        number: '+18005550100',
        reason:
          'number (not-toll-free): Toll-free numbers cannot carry a CNAM; use a US local long code.; ' +
          'displayName (not-misleading): Names must not be misleading (fake officials); "X Police" contains "police".',
      },
      { line: 7, number: '206.555.0100', reason: 'duplicate: +12065550100 is already on line 1' },
      { line: 9, number: '1', reason: 'Something else went wrong' },
    ]);
    assert.deepEqual(problems, [
      {
        field: 'rows.3.number',
        rule: 'not-toll-free',
        message: 'Toll-free numbers cannot carry a CNAM; use a US local long code.',
      },
      {
        field: 'rows.3.displayName',
        rule: 'not-misleading',
        message: 'Names must not be misleading (fake officials); "X Police" contains "police".',
      },
      { field: 'rows.7', rule: 'duplicate', message: '+12065550100 is already on line 1' },
      { field: 'rows.9', rule: 'refused', message: 'Something else went wrong' },
    ]);
  });

  test('cursors: only what encodeCursor made decodes; nextCursor is null on the last page', () => {
    for (const offset of [0, 1, 100, 999_999_999]) assert.equal(decodeCursor(encodeCursor(offset)), offset);
    for (const bad of ['', 'MDE', 'LTE', 'MTAw=', 'not a cursor', encodeCursor(1e10)])
      assert.equal(decodeCursor(bad), undefined, bad);
    assert.equal(decodeCursor(nextCursor(0, 100, 250)!), 100);
    assert.equal(nextCursor(200, 50, 250), null);
    assert.equal(nextCursor(300, 0, 250), null);
  });

  test("the deployment's status callback goes into groups whose provider takes one", () => {
    const request = parseFleetApply({
      rows: [
        { provider: 'flowroute', number: '+12065550100', displayName: 'Bob Law' },
        {
          provider: 'twilio',
          number: '+12065550101',
          displayName: 'Bob Law',
          businessProfileSid: `BU${'ab'.repeat(16)}`,
          notificationEmail: 'ops@example.com',
        },
      ],
    });
    const plan = planFleetRequest(request, { statusCallbackUrl: 'https://cnam.example.com/hook' });
    assert.deepEqual(
      plan.groups.map((g) => [g.provider, (g.input as { statusCallbackUrl?: string }).statusCallbackUrl]),
      [
        ['flowroute', undefined],
        ['twilio', 'https://cnam.example.com/hook'],
      ],
    );
    assert.equal(plan.fleetId, planFleetRequest(request).fleetId, 'the fleet id does not depend on it');
  });
});
