/**
 * Replays recorded histories against today's workflow code: a change that would break running
 * provisionings (non-determinism) fails here before it ships. After a versioned change, record
 * new ones beside the old with `npx tsx dev/record-histories.ts <label>`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../helpers/temporal';

const HISTORIES = resolve(__dirname, '..', 'histories');
// Every recording ever made: histories from before a patch prove that runs started then still replay.
const files = readdirSync(HISTORIES)
  .filter((f) => f.endsWith('.json'))
  .sort();

test('the recordings include both providers, before and after the latest patches, a fleet, renames, removals, adoptions, a cancel and CNAM dips', () => {
  for (const name of [
    'flowroute-completed.json',
    'twilio-completed.json',
    'flowroute-completed-v2.json',
    'twilio-completed-v2.json',
    // A fleet and its two groups (several numbers on one record and on one Trust Product).
    'fleet-completed-v3.json',
    'flowroute-fleet-group-completed-v3.json',
    'twilio-fleet-group-completed-v3.json',
    // The life of a name at each provider, and a provisioning cancelled and undone (its undo steps, twice).
    ...['flowroute', 'twilio'].flatMap((p) =>
      ['adopt', 'rename', 'remove'].map((op) => `${p}-${op}-completed-v4.json`),
    ),
    'flowroute-cancelled-v4.json',
    // After the CNAM dips (`verifying`) and the webhook notifications.
    ...['flowroute', 'twilio'].flatMap((p) => [`${p}-completed-v5.json`, `${p}-fleet-group-completed-v5.json`]),
    'fleet-completed-v5.json',
  ]) {
    assert.ok(files.includes(name), `${name} is recorded`);
  }
});

for (const file of files) {
  test(`replays ${file} without non-determinism`, async () => {
    const history = JSON.parse(readFileSync(resolve(HISTORIES, file), 'utf8'));
    assert.ok(history.events.length > 20, 'a whole provisioning was recorded');
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
  });
}
