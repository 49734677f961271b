/**
 * Skipping Twilio's Caller Name Lookup (dips on incoming calls, billed per call) from a fleet file and
 * from the CLI: the column's yes/no words, a word that is neither refused by its line, and rows that
 * differ in it kept in different groups (a group's workflow applies one choice to all its numbers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planFleet } from '../../src/fleet/plan';
import { readFleetRows } from '../../src/fleet/rows';
import { runCnam } from '../helpers/cli';

const BU = `BU${'a'.repeat(32)}`;

test('the callerNameLookup column: no/false skip it, yes or empty keep it, another word refuses the row', () => {
  const csv = [
    'provider,number,displayName,businessProfileSid,notificationEmail,callerNameLookup',
    `twilio,+12065550100,Acme Plumbing,${BU},ops@example.com,no`,
    `twilio,+12065550101,Acme Plumbing,${BU},ops@example.com,false`,
    `twilio,+12065550102,Acme Plumbing,${BU},ops@example.com,yes`,
    `twilio,+12065550103,Acme Plumbing,${BU},ops@example.com,`,
    `twilio,+12065550104,Acme Plumbing,${BU},ops@example.com,perhaps`,
  ].join('\n');
  const plan = planFleet(readFleetRows(csv, 'csv'));
  assert.deepEqual(
    plan.refused.map((r) => [r.line, r.number]),
    [[6, '+12065550104']],
  );
  assert.match(
    plan.refused[0]!.reason,
    /callerNameLookup \(format\): must be true or false \(yes or no in a fleet file\)/,
  );
  const groups = plan.groups.map((g) => ({
    numbers: g.numbers.map((n) => n.number),
    callerNameLookup: (g.input as { callerNameLookup?: boolean }).callerNameLookup,
  }));
  assert.deepEqual(
    groups.sort((a, b) => a.numbers[0]!.localeCompare(b.numbers[0]!)),
    [
      { numbers: ['+12065550100', '+12065550101'], callerNameLookup: false },
      { numbers: ['+12065550102', '+12065550103'], callerNameLookup: true },
    ],
  );
});

test('cnam provision twilio --help offers --no-caller-name-lookup and says what the step does', async () => {
  const run = await runCnam(['provision', 'twilio', '--help']);
  assert.equal(run.code, 0, run.stderr);
  const help = run.stdout.replace(/\s+/g, ' ');
  assert.match(help, /--no-caller-name-lookup skip Twilio's Caller Name Lookup step: CNAM dips on \*incoming\* calls/);
  assert.match(help, /--verify-for <duration> how long to keep checking with CNAM dips .* \(default 7d\)/);
});

test('--no-caller-name-lookup becomes callerNameLookup: false in the input; without it the input leaves it out', async () => {
  const { twilio } = await import('../../src/providers/twilio');
  const given = { number: ['+12065550100'], businessProfile: BU, name: 'Acme Plumbing', email: 'ops@example.com' };
  const input = twilio.cli.fromCli({ ...given, callerNameLookup: false }) as { callerNameLookup?: boolean };
  assert.equal(input.callerNameLookup, false);
  assert.equal('callerNameLookup' in twilio.cli.fromCli({ ...given, callerNameLookup: true }), false);
});
