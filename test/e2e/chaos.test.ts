/**
 * The chaos benchmark, small: 10 provisionings of both providers under network faults, worker
 * processes killed with SIGKILL and one Temporal server crash; then the same as one fleet (five
 * groups sharing records and Trust Products). `npm run bench -- chaos` runs 100 (`--fleet` for a fleet).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_DUPLICATES, runChaos } from '../../bench/chaos';

test('10 provisionings under faults, kill -9 of the worker and a server crash: all complete, nothing twice', {
  timeout: 8 * 60_000,
}, async () => {
  const report = await runChaos({
    provisionings: 10,
    faultRate: 0.2,
    maxWorkerKills: 3,
    killEveryMs: [3_000, 8_000],
    deadlineMs: 6 * 60_000,
    log: () => undefined,
  });
  assert.deepEqual(report.failures, []);
  assert.equal(report.completed, 10);
  assert.equal(report.stuck, 0);
  assert.deepEqual(report.duplicates, NO_DUPLICATES);
  // The faults were really there: a run that met none would prove nothing.
  assert.ok(report.workerKills >= 1, `${report.workerKills} worker kills`);
  assert.equal(report.serverRestarts, 1);
  assert.ok(report.faultsFired >= 10, `${report.faultsFired} faults fired`);
  // Through every kill and the outage the worker logged JSON lines only (worker-outage.test.ts checks the core's).
  assert.equal(report.workerLogLinesNotJson, 0);
});

test('a fleet of 10 numbers under faults, kill -9 of the worker and a server crash: every number done, nothing twice', {
  timeout: 8 * 60_000,
}, async () => {
  const report = await runChaos({
    provisionings: 10,
    faultRate: 0.2,
    maxWorkerKills: 3,
    killEveryMs: [3_000, 8_000],
    deadlineMs: 6 * 60_000,
    fleet: true,
    log: () => undefined,
  });
  assert.deepEqual(report.failures, []);
  assert.deepEqual([report.provisionings, report.completed, report.stuck], [10, 10, 0]);
  assert.deepEqual(report.duplicates, NO_DUPLICATES);
  assert.ok(report.workerKills >= 1, `${report.workerKills} worker kills`);
  assert.equal(report.serverRestarts, 1);
  assert.ok(report.faultsFired >= 5, `${report.faultsFired} faults fired`);
});

test('10 renames under faults, kill -9 of the worker and a server crash: each number ends on its new name, nothing twice, nothing left over', {
  timeout: 10 * 60_000,
}, async () => {
  const report = await runChaos({
    provisionings: 10,
    faultRate: 0.2,
    maxWorkerKills: 3,
    killEveryMs: [3_000, 8_000],
    deadlineMs: 8 * 60_000,
    rename: true,
    log: () => undefined,
  });
  assert.deepEqual(report.failures, []);
  assert.deepEqual([report.completed, report.stuck], [10, 0]);
  assert.deepEqual(report.duplicates, NO_DUPLICATES);
  assert.equal(report.rename?.showingNewName, 10);
  assert.deepEqual(report.rename?.leftovers, [], 'every old record, Trust Product and End User is deleted');
  // Flowroute replaces a number's record in one call: through every kill the number showed a name.
  assert.equal(report.rename?.flowrouteSamplesWithoutName, 0);
  assert.ok(report.workerKills >= 1, `${report.workerKills} worker kills`);
  assert.ok(report.faultsFired >= 5, `${report.faultsFired} faults fired`);
});
