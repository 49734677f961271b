/**
 * `cnam watch`: a Temporal Schedule that runs the reconciliation (`reconcileCnams`), which reads every
 * number we completed back at its provider and reports drift (and, with --repair, starts the workflow
 * that puts it right). `enable`, `list`, `run`, `report`, `disable`.
 */
import { Command } from 'commander';
import type { ReconcileResult } from '../watch/drift';
import type { WatchReport, WatchSchedule } from '../watch/schedule';
import { CliError, ExitCode, printJson, say, warn } from './output';

/** `cnam watch report` (and `run --wait`): 1 when drift was found, 3 when no reconciliation has completed yet. */
export const WatchExit = { Ok: ExitCode.Ok, Drift: ExitCode.Failed, NoReport: 3 } as const;

const EXIT_HELP =
  '\nExit codes: 0 no drift, 1 drift found (or the run failed), 2 usage or configuration error\n' +
  '(Temporal not reachable), 3 no reconciliation has completed yet.';

/** The Temporal client for one command, closed afterwards; loaded only when the command runs. */
async function withTemporal<T>(
  run: (
    temporal: Awaited<ReturnType<typeof import('./temporal').cliTemporal>>,
    watch: typeof import('../watch/schedule'),
  ) => Promise<T>,
): Promise<T> {
  const [{ cliTemporal }, watch] = await Promise.all([import('./temporal'), import('../watch/schedule')]);
  const temporal = await cliTemporal();
  try {
    return await run(temporal, watch);
  } finally {
    await temporal.close();
  }
}

function printSchedule(s: WatchSchedule): void {
  const options = [s.repair ? 'repair' : null, s.dip ? 'dip' : null].filter(Boolean).join(', ') || 'report only';
  say(`${s.scheduleId}: every ${s.every} (${options}), overlap ${s.overlap}${s.paused ? ', PAUSED' : ''}`);
  say(`  task queue: ${s.taskQueue}`);
  say(`  next runs: ${s.nextRunTimes.slice(0, 3).join(', ') || 'none'}`);
  if (s.running.length > 0) say(`  running now: ${s.running.join(', ')}`);
  if (s.recentRuns.length === 0) say('  recent runs: none yet');
  else {
    say('  recent runs:');
    for (const r of s.recentRuns) say(`    ${r.takenAt}  ${r.state.padEnd(10)} ${r.workflowId}`);
  }
}

function printResult(workflowId: string, result: ReconcileResult): void {
  const options = [result.repair ? 'repair' : null, result.dip ? 'dip' : null].filter(Boolean).join(', ');
  say(
    `Reconciliation ${workflowId} (checked ${result.checkedAt}${options ? `; ${options}` : ''}): ` +
      `${result.numbersChecked} numbers checked, ${result.ok} ok, ${result.drift.length} drifted`,
  );
  for (const d of result.drift) {
    say(`  ${d.provider} ${d.number} "${d.displayName}": ${d.kind}: ${d.detail}`);
    if (d.repair)
      say(`    repair: ${d.repair.started ? 'started' : 'not started'} ${d.repair.workflowId}: ${d.repair.detail}`);
  }
  for (const note of result.notes) say(`  note: ${note}`);
}

function driftExit(result: ReconcileResult): number {
  return result.drift.length > 0 ? WatchExit.Drift : WatchExit.Ok;
}

function enableCommand(): Command {
  return new Command('enable')
    .description(
      'Create (or update) the `cnam-watch` Schedule: it runs the reconciliation every --every, skipping a run while the last one is still going',
    )
    .option('--every <duration>', 'how often, between 1m and 30d, e.g. 12h', '1d')
    .option('--repair', 'start the workflow that puts each drifted number right (a new provisioning or a rename)')
    .option(
      '--dip',
      'also dip (a billed CNAM lookup) every number the provider shows right, to see that the name shows',
    )
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      '\nExample:\n  cnam watch enable --every 1d --repair\n\nRunning it again with other options updates the schedule. Exit code 0 when enabled, 2 for a bad --every.',
    )
    .action(async (opts: { every: string; repair?: boolean; dip?: boolean; json?: boolean }) => {
      const [{ InvalidRequestError }, { watchIntervalMs }] = await Promise.all([
        import('../app/errors'),
        import('../watch/schedule'),
      ]);
      try {
        watchIntervalMs(opts.every);
      } catch (err) {
        if (err instanceof InvalidRequestError)
          throw new CliError(`--every: ${err.problems[0]?.message}`, ExitCode.Usage);
        throw err;
      }
      await withTemporal(async (temporal, watch) => {
        const { created, schedule } = await watch.enableWatch(temporal.client, temporal.env.CNAM_TASK_QUEUE, {
          every: opts.every,
          repair: opts.repair === true,
          dip: opts.dip === true,
        });
        if (opts.json) return printJson({ created, schedule });
        say(`${created ? 'Enabled' : 'Updated'} the watch schedule:`);
        printSchedule(schedule);
      });
    });
}

function listCommand(): Command {
  return new Command('list')
    .description('Show the watch schedule(s): interval, options, next run times, recent runs')
    .option('--json', 'print a JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      await withTemporal(async (temporal, watch) => {
        const schedules = await watch.listWatchSchedules(temporal.client);
        if (opts.json) return printJson({ schedules });
        if (schedules.length === 0) return say('No watch schedule. Enable one with: cnam watch enable');
        for (const s of schedules) printSchedule(s);
      });
    });
}

function runCommand(): Command {
  return new Command('run')
    .description('Run the reconciliation now, through the watch schedule (with its options)')
    .option('--wait', 'wait for it to end and print its report')
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      '\nExit codes: 0 started (with --wait: ended with no drift), 1 no schedule, or (with --wait) drift found or\n' +
        'the run failed, 2 usage or configuration error (Temporal not reachable).',
    )
    .action(async (opts: { wait?: boolean; json?: boolean }) => {
      await withTemporal(async (temporal, watch) => {
        let run: { workflowId: string; alreadyRunning: boolean };
        try {
          run = await watch.triggerWatch(temporal.client);
        } catch (err) {
          if (err instanceof watch.WatchNotEnabledError)
            throw new CliError(`${err.message}.`, ExitCode.Failed, { error: 'not-enabled', message: err.message });
          throw err;
        }
        const said = run.alreadyRunning
          ? `A reconciliation is already running: ${run.workflowId} (none started)`
          : `Started reconciliation ${run.workflowId}`;
        if (!opts.wait) {
          if (opts.json) printJson(run);
          else say(said);
          return;
        }
        if (!opts.json) warn(`${said}; waiting for it to end.`);
        let result: ReconcileResult;
        try {
          result = await watch.watchRunResult(temporal.client, run.workflowId);
        } catch (err) {
          const { failureMessage } = await import('../app/errors');
          throw new CliError(`Reconciliation ${run.workflowId} failed: ${failureMessage(err)}`, ExitCode.Failed, {
            ...run,
            error: 'failed',
            message: failureMessage(err),
          });
        }
        if (opts.json) printJson({ ...run, result });
        else printResult(run.workflowId, result);
        process.exitCode = driftExit(result);
      });
    });
}

function reportCommand(): Command {
  return new Command('report')
    .description(
      "Print the latest completed reconciliation's result: per drifted number its provider, number, name, kind, detail and repair",
    )
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      `\nDrift kinds: name-changed, name-removed, product-rejected, product-expired, product-gone,\nnumber-unassigned, number-gone, not-showing (with --dip).${EXIT_HELP}`,
    )
    .action(async (opts: { json?: boolean }) => {
      await withTemporal(async (temporal, watch) => {
        const [report, running]: [WatchReport | null, string[]] = await Promise.all([
          watch.latestWatchReport(temporal.client),
          watch.runningWatchRuns(temporal.client),
        ]);
        if (!report) {
          const message =
            running.length > 0
              ? `No reconciliation has completed yet; ${running[0]} is running (\`cnam watch run --wait\` waits for one).`
              : 'No reconciliation has completed yet: run one with `cnam watch run --wait` (after `cnam watch enable`).';
          throw new CliError(message, WatchExit.NoReport, { error: 'no-report', message, running });
        }
        if (opts.json) printJson({ ...report, running });
        else {
          printResult(report.workflowId, report.result);
          if (running.length > 0) say(`(running now: ${running.join(', ')})`);
        }
        process.exitCode = driftExit(report.result);
      });
    });
}

function disableCommand(): Command {
  return new Command('disable')
    .description('Delete the watch schedule (a reconciliation running now finishes; reports stay readable)')
    .option('--json', 'print a JSON document instead of text')
    .action(async (opts: { json?: boolean }) => {
      await withTemporal(async (temporal, watch) => {
        const deleted = await watch.disableWatch(temporal.client);
        if (opts.json) return printJson({ deleted });
        say(deleted ? 'Disabled: the watch schedule is deleted.' : 'No watch schedule to disable.');
      });
    });
}

export function watchCommand(): Command {
  return new Command('watch')
    .description(
      'Watch for drift: a schedule reads every number we completed back at its provider and reports (optionally repairs) what changed',
    )
    .addCommand(enableCommand())
    .addCommand(listCommand())
    .addCommand(runCommand())
    .addCommand(reportCommand())
    .addCommand(disableCommand());
}
