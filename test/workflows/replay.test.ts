/**
 * Replays recorded histories against today's workflow code: a change that would break running
 * provisionings (non-determinism) fails here before it ships. Re-record deliberately with
 * `npx tsx scripts/record-histories.ts` after a versioned change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/temporal';

for (const file of ['flowroute-completed.json', 'twilio-completed.json']) {
  test(`replays ${file} without non-determinism`, async () => {
    const history = JSON.parse(readFileSync(resolve(__dirname, '..', 'histories', file), 'utf8'));
    assert.ok(history.events.length > 20, 'a whole provisioning was recorded');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
  });
}
