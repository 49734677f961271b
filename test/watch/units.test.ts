/** The watch's pure parts: what a completed run's result says about its numbers, the summary, the names and bounds. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRequestError } from '../../src/app/errors';
import { PROVIDERS } from '../../src/providers';
import { completedRunsQuery, numbersOfResult } from '../../src/watch/completed';
import {
  DRIFT_KINDS,
  driftCheckActivity,
  RECONCILE_WORKFLOW_TYPE,
  type ReconcileResult,
  summarizeDrift,
} from '../../src/watch/drift';
import { watchIntervalMs } from '../../src/watch/schedule';
import { reconcileCnams } from '../../src/watch/workflow';

describe('numbersOfResult', () => {
  test("a provisioning's numbers, with the shared and each number's resources; a number that failed is left out", () => {
    const fleetGroup = {
      provider: 'flowroute',
      number: '+12065550100',
      numberId: '12065550100',
      displayName: 'BOB LAW',
      cnamRecordId: '24141',
      approvedAt: '2026-01-01T00:00:00.000Z',
      numbers: [
        { number: '+12065550100', numberId: '12065550100', state: 'assigned', failure: null },
        { number: '+12065550101', numberId: '12065550101', state: 'failed', failure: 'not on the account' },
        { number: '+12065550102', numberId: '12065550102', state: 'assigned', failure: null },
      ],
    };
    assert.deepEqual(numbersOfResult('provision', fleetGroup), [
      {
        number: '+12065550100',
        displayName: 'BOB LAW',
        resources: { numberId: '12065550100', cnamRecordId: '24141' },
      },
      {
        number: '+12065550102',
        displayName: 'BOB LAW',
        resources: { numberId: '12065550102', cnamRecordId: '24141' },
      },
    ]);
    const product = {
      provider: 'twilio',
      displayName: 'ACME',
      trustProductSid: 'BU1',
      endUserSid: 'IT1',
      businessProfileSid: 'BU2',
      submittedAt: '2026-01-01T00:00:00.000Z',
      numbers: [{ phoneNumber: '+12065550103', phoneNumberSid: 'PN1', trustProductAssignmentSid: 'RA1' }],
    };
    assert.deepEqual(numbersOfResult('provision', product), [
      {
        number: '+12065550103',
        displayName: 'ACME',
        resources: {
          trustProductSid: 'BU1',
          endUserSid: 'IT1',
          businessProfileSid: 'BU2',
          phoneNumberSid: 'PN1',
          trustProductAssignmentSid: 'RA1',
        },
      },
    ]);
  });

  test("a rename's or adoption's name and resources; a removal's number without a name", () => {
    const base = {
      provider: 'x',
      number: '+12065550100',
      resources: { cnamRecordId: '7' },
      previousDisplayName: 'OLD',
    };
    assert.deepEqual(numbersOfResult('rename', { ...base, operation: 'rename', displayName: 'NEW' }), [
      { number: '+12065550100', displayName: 'NEW', resources: { cnamRecordId: '7' } },
    ]);
    assert.deepEqual(numbersOfResult('remove', { ...base, operation: 'remove', displayName: null, resources: {} }), [
      { number: '+12065550100', displayName: null, resources: {} },
    ]);
    assert.deepEqual(numbersOfResult('provision', null), []);
    assert.deepEqual(numbersOfResult('adopt', { displayName: 'X' }), []);
  });

  test('the visibility query names every provisioning and lifecycle type, completed only', () => {
    const query = completedRunsQuery();
    for (const p of PROVIDERS) {
      assert.ok(query.includes(`"${p.workflowType}"`), p.workflowType);
      for (const type of Object.values(p.lifecycle.workflowTypes)) assert.ok(query.includes(`"${type}"`), type);
    }
    assert.match(query, /AND ExecutionStatus = "Completed"$/);
  });
});

test("each provider's runtime has the drift check the reconciliation calls by name", async () => {
  for (const provider of PROVIDERS) {
    const activities = (await provider.loadRuntime()).createActivities(null);
    assert.equal(typeof activities[driftCheckActivity(provider.label)], 'function', provider.id);
  }
});

test('summarizeDrift: a headline, one line per drifted number, the notes', () => {
  const result: ReconcileResult = {
    checkedAt: '2026-01-01T00:00:00.000Z',
    numbersChecked: 3,
    ok: 2,
    repair: true,
    dip: false,
    notes: ['1 number(s) not checked: no credentials'],
    drift: [
      {
        provider: 'p',
        number: '+12065550100',
        displayName: 'BOB LAW',
        kind: 'name-removed',
        detail: 'carries no CNAM',
        repair: { workflowId: 'cnam-p-12065550100', started: true, detail: 'provisioning started' },
      },
    ],
  };
  const text = summarizeDrift(result);
  assert.match(text, /^\*\*Drift on 1 of 3 numbers\*\*/);
  assert.match(
    text,
    /- p \+12065550100 "BOB LAW": `name-removed`, carries no CNAM\. Repair: started cnam-p-12065550100/,
  );
  assert.match(text, /Note: 1 number\(s\) not checked/);
  assert.match(summarizeDrift({ ...result, drift: [], ok: 3, notes: [] }), /^\*\*No drift\*\*: 3 of 3 numbers/);
  assert.equal(DRIFT_KINDS.length, 8);
});

test('the workflow is exported under the type the schedule, the queries and the worker use', () => {
  assert.equal(reconcileCnams.name, RECONCILE_WORKFLOW_TYPE);
});

test('watchIntervalMs: a duration between 1m and 30d, else a named problem', () => {
  assert.equal(watchIntervalMs(), 86_400_000);
  assert.equal(watchIntervalMs('12h'), 43_200_000);
  for (const bad of ['30s', '31d', 'daily', ''])
    assert.throws(
      () => watchIntervalMs(bad),
      (err: unknown) => err instanceof InvalidRequestError && err.problems[0]?.field === 'every',
    );
});
