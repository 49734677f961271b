/**
 * `cnam fleet`: one name on many numbers. `apply` reads a file, prints the plan (groups and refused
 * rows), starts one fleet workflow and follows it with a progress bar; `status` reattaches;
 * `report` prints every number's outcome as CSV or JSON.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { webUiLink } from '../config/constants';
import type { FleetReport, StartedFleet } from '../app/fleet';
import type { FleetNumber } from '../fleet/messages';
import type { FleetPlan } from '../fleet/plan';
import { CliError, ExitCode, printJson, say, warn } from './output';

const POLL_MS = 2_000;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new CliError(`"${value}" is not a whole number from 1 to 1000.`, ExitCode.Usage);
  return n;
}

async function readPlan(file: string, fleetId: string | undefined, maxNumbersPerGroup?: number): Promise<FleetPlan> {
  const [{ readFleetRows, formatOf, FleetFileError }, { planFleet }] = await Promise.all([
    import('../fleet/rows'),
    import('../fleet/plan'),
  ]);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, ExitCode.Usage);
  }
  try {
    return planFleet(readFleetRows(text, formatOf(file)), { fleetId, maxNumbersPerGroup });
  } catch (err) {
    if (err instanceof FleetFileError) throw new CliError(`${file}: ${err.message}`, ExitCode.Usage);
    throw err;
  }
}

function printPlan(plan: FleetPlan): void {
  const numbers = plan.groups.reduce((n, g) => n + g.numbers.length, 0);
  say(
    `Plan for fleet ${plan.fleetId}: ${plan.rows} rows, ${numbers} numbers to run in ${plan.groups.length} groups, ${plan.alreadyDone.length} already done, ${plan.refused.length} refused`,
  );
  for (const g of plan.groups) {
    const lines = g.numbers.map((n) => n.line);
    const resource = g.reuses ? `reuses ${g.reuses}` : plan.providerState?.read ? 'creates it' : 'one review';
    say(
      `  ${g.label}: ${g.numbers.length} number${g.numbers.length === 1 ? '' : 's'} (lines ${ranges(lines)}), ${resource}, as ${g.workflowId}`,
    );
  }
  for (const d of plan.alreadyDone) say(`  already done: line ${d.line} ${d.number}: ${d.reason}`);
  for (const r of plan.refused) say(`  refused: line ${r.line} ${r.number}: ${r.reason}`);
  if (plan.providerState && !plan.providerState.read)
    say(
      `  (${plan.providerState.note}; the workflows still look for an existing record or Trust Product before creating one)`,
    );
}

/** The plan with what the providers already have, read through the worker; without, saying why, when Temporal is not reachable. */
async function surveyed(plan: FleetPlan): Promise<FleetPlan> {
  if (plan.groups.length === 0) return plan;
  const [{ surveyPlan }, { cliTemporal }] = await Promise.all([import('../app/fleet'), import('./temporal')]);
  let temporal: Awaited<ReturnType<typeof cliTemporal>>;
  try {
    temporal = await cliTemporal();
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    return { ...plan, providerState: { read: false, note: `providers not read: ${err.message}` } };
  }
  try {
    return await surveyPlan(temporal.client, temporal.env.CNAM_TASK_QUEUE, plan);
  } finally {
    await temporal.close();
  }
}

/** 2,3,4,7 → "2-4, 7" */
function ranges(lines: number[]): string {
  const sorted = [...lines].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j;
  }
  return out.join(', ');
}

/** Follows a fleet until it closes (or Ctrl-C detaches): a progress bar on a terminal, a line per change otherwise. */
async function followFleet(fleetId: string, detachHint: string): Promise<FleetReport> {
  const [{ describeFleet }, { cliTemporal }, { SingleBar, Presets }] = await Promise.all([
    import('../app/fleet'),
    import('./temporal'),
    import('cli-progress'),
  ]);
  const temporal = await cliTemporal();
  const tty = Boolean(process.stderr.isTTY);
  const bar = new SingleBar(
    { format: ' {bar} {value}/{total} numbers ended | {summary}', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  let detached = false;
  const detach = () => {
    detached = true;
  };
  process.once('SIGINT', detach);
  let started = false;
  let last = '';
  try {
    for (;;) {
      const report = await describeFleet(temporal.client, fleetId);
      const s = report.status;
      if (s) {
        const ended = s.counts.done + s.counts.failed;
        if (tty) {
          if (!started) bar.start(s.total, ended, { summary: s.summary });
          else bar.update(ended, { summary: s.summary });
          started = true;
        } else if (s.summary !== last) warn(`  ${s.summary}`);
        last = s.summary;
      }
      if (report.state !== 'running' || detached) {
        if (started) bar.stop();
        if (detached) warn(`Detached; the fleet goes on. ${detachHint}`);
        return report;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    process.removeListener('SIGINT', detach);
    await temporal.close();
  }
}

function reportExit(report: FleetReport, refused = 0): number {
  if (report.state === 'running') return refused > 0 ? ExitCode.Failed : ExitCode.Ok;
  if (report.state !== 'completed') return ExitCode.Failed;
  return refused > 0 || (report.status?.counts.failed ?? 0) > 0 ? ExitCode.Failed : ExitCode.Ok;
}

function printReport(report: FleetReport): void {
  say(`${report.fleetId}: ${report.state}${report.status ? `: ${report.status.summary}` : ''}`);
  if (report.failure) say(`Failure: ${report.failure}`);
  if ((report.status?.counts.failed ?? 0) > 0)
    say(`Failed numbers: cnam fleet report ${report.fleetId} --state failed`);
}

function applyCommand(): Command {
  return new Command('apply')
    .description(
      'Check every row of a fleet file, print the plan, then provision all valid rows as one fleet and follow it',
    )
    .requiredOption(
      '-f, --file <file>',
      'CSV with a header row (provider,number,displayName,…), or .json / .yaml with the same fields',
    )
    .option('--dry-run', 'print the plan and stop: nothing is started')
    .option('--detach', 'start the fleet and return at once (follow it later with `cnam fleet status`)')
    .option(
      '--id <fleet-id>',
      'the fleet id (default: derived from the rows, so applying the same file again finds the same fleet)',
    )
    .option(
      '--max-per-group <numbers>',
      "at most this many numbers per record or Trust Product (default: the provider's cap, 500 at Flowroute, 100 at Twilio)",
      positiveInt,
    )
    .option('--max-concurrent <groups>', 'group workflows running at once (default 20)', positiveInt)
    .option('--json', 'print JSON documents instead of text')
    .addHelpText(
      'after',
      `
Columns: provider, number, displayName; Twilio rows also businessProfileSid and notificationEmail.
Rows sharing a name (Flowroute) or a Business Profile and name (Twilio) share one record or Trust
Product: created and reviewed once. Invalid and duplicate rows are refused by line; the rest go on.
The plan reads the providers (through the worker): records and Trust Products that exist are reused,
numbers that already show their name are reported done and not run, names a provider already
rejected are refused.
Ctrl-C stops following, not the fleet. Exit code 0 when every row ended provisioned, 1 when a row
was refused or failed, 2 for a usage error.

Example:
  cnam fleet apply -f numbers.csv --dry-run
  cnam fleet apply -f numbers.csv`,
    )
    .action(
      async (opts: {
        file: string;
        dryRun?: boolean;
        detach?: boolean;
        id?: string;
        maxConcurrent?: number;
        maxPerGroup?: number;
        json?: boolean;
      }) => {
        const plan = await surveyed(await readPlan(opts.file, opts.id, opts.maxPerGroup));
        if (opts.json && opts.dryRun) return printJson({ plan });
        if (!opts.json) printPlan(plan);
        if (opts.dryRun) {
          process.exitCode = plan.refused.length > 0 ? ExitCode.Failed : ExitCode.Ok;
          return;
        }
        if (plan.groups.length === 0 && plan.alreadyDone.length === 0)
          throw new CliError('Nothing to start: every row was refused.', ExitCode.Failed, { plan });
        const [{ applyFleet }, { cliTemporal }, { InvalidRequestError }] = await Promise.all([
          import('../app/fleet'),
          import('./temporal'),
          import('../app/errors'),
        ]);
        const temporal = await cliTemporal();
        let link: string;
        let started: StartedFleet;
        try {
          started = await applyFleet(temporal.client, temporal.env.CNAM_TASK_QUEUE, plan, {
            ...(opts.maxConcurrent && { maxConcurrentGroups: opts.maxConcurrent }),
          }).catch((err: unknown) => {
            // Too large to start as one fleet: the message says how to split it.
            if (err instanceof InvalidRequestError) throw new CliError(err.message, ExitCode.Usage);
            throw err;
          });
          link = webUiLink(temporal.env.TEMPORAL_UI_URL, temporal.namespace, plan.fleetId);
          if (!opts.json) {
            if (started.alreadyRunning) say(`Already running: ${plan.fleetId} (no second fleet started)`);
            else if (!started.started) {
              say(`Nothing to start: every number of ${plan.fleetId} is done already.`);
            } else {
              const left =
                started.alreadyDone > 0 ? ` (${started.alreadyDone} numbers done by an earlier run are left out)` : '';
              say(`Started ${plan.fleetId}${left}`);
            }
            say(`Web UI: ${link}`);
          }
        } finally {
          await temporal.close();
        }
        if (opts.detach || (!started.started && !started.alreadyRunning)) {
          if (opts.json) printJson({ plan, ...started, webUi: link });
          else say(`Follow it with: cnam fleet status ${plan.fleetId}`);
          process.exitCode = plan.refused.length > 0 ? ExitCode.Failed : ExitCode.Ok;
          return;
        }
        const report = await followFleet(plan.fleetId, `Reattach with: cnam fleet status ${plan.fleetId}`);
        if (opts.json) printJson({ plan, webUi: link, ...report });
        else printReport(report);
        process.exitCode = reportExit(report, plan.refused.length);
      },
    );
}

function statusCommand(): Command {
  return new Command('status')
    .description("Follow a fleet's progress until it ends (Ctrl-C detaches), or print it once with --no-follow")
    .argument('<fleet-id>', 'as printed by `cnam fleet apply`, e.g. cnam-fleet-3f2a…')
    .option('--no-follow', 'print the current counts and return')
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      '\nExit code 0 while running or when every number ended provisioned, 1 when a number failed or the fleet did not complete.',
    )
    .action(async (fleetId: string, opts: { follow: boolean; json?: boolean }) => {
      const [{ WorkflowNotFoundError }] = await Promise.all([import('@temporalio/client')]);
      try {
        let report: FleetReport;
        if (opts.follow) report = await followFleet(fleetId, `Reattach with: cnam fleet status ${fleetId}`);
        else {
          const [{ describeFleet }, { cliTemporal }] = await Promise.all([
            import('../app/fleet'),
            import('./temporal'),
          ]);
          const temporal = await cliTemporal();
          try {
            report = await describeFleet(temporal.client, fleetId);
          } finally {
            await temporal.close();
          }
        }
        if (opts.json) printJson(report);
        else printReport(report);
        process.exitCode = reportExit(report);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new CliError(`No fleet with id ${fleetId}.`, ExitCode.Failed, { error: 'not-found', fleetId });
        throw err;
      }
    });
}

function reportCommand(): Command {
  return new Command('report')
    .description(
      "Every number's outcome: state, its provisioning's workflow id and the failure in the provider's words",
    )
    .argument('<fleet-id>')
    .addOption(new Option('--format <format>', 'csv or json').choices(['csv', 'json']).default('csv'))
    .addOption(
      new Option('--state <state>', 'only numbers in this state').choices(['pending', 'running', 'done', 'failed']),
    )
    .action(async (fleetId: string, opts: { format: 'csv' | 'json'; state?: FleetNumber['state'] }) => {
      const [{ fleetNumbers }, { cliTemporal }, { WorkflowNotFoundError }] = await Promise.all([
        import('../app/fleet'),
        import('./temporal'),
        import('@temporalio/client'),
      ]);
      const temporal = await cliTemporal();
      try {
        const all: FleetNumber[] = [];
        for (let offset = 0; ; ) {
          const page = await fleetNumbers(temporal.client, fleetId, {
            offset,
            limit: 1000,
            ...(opts.state && { state: opts.state }),
          });
          all.push(...page.numbers);
          offset += page.numbers.length;
          if (page.numbers.length === 0 || offset >= page.total) break;
        }
        if (opts.format === 'json') return printJson({ fleetId, numbers: all });
        say('line,provider,number,state,workflowId,failure,note');
        for (const n of all)
          say(
            [n.line, n.provider, n.number, n.state, n.workflowId, n.failure ?? '', n.note ?? ''].map(csvCell).join(','),
          );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new CliError(`No fleet with id ${fleetId}.`);
        throw err;
      } finally {
        await temporal.close();
      }
    });
}

function retryCommand(): Command {
  return new Command('retry')
    .description('Run the failed numbers of a finished fleet again (the ones provisioned stay as they are)')
    .argument('<fleet-id>')
    .option('--detach', 'start and return at once')
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      '\nExit code 0 when every number ended provisioned, 1 when some failed again or nothing could be retried.',
    )
    .action(async (fleetId: string, opts: { detach?: boolean; json?: boolean }) => {
      const [{ retryFleet, FleetNotRetryableError }, { cliTemporal }, { WorkflowNotFoundError }] = await Promise.all([
        import('../app/fleet'),
        import('./temporal'),
        import('@temporalio/client'),
      ]);
      const temporal = await cliTemporal();
      try {
        const started = await retryFleet(temporal.client, temporal.env.CNAM_TASK_QUEUE, fleetId);
        if (!opts.json) say(`Retrying ${started.retried} failed numbers of ${fleetId}`);
        if (opts.detach) {
          if (opts.json) printJson(started);
          return;
        }
      } catch (err) {
        if (err instanceof FleetNotRetryableError)
          throw new CliError(err.message, ExitCode.Failed, { error: 'not-retryable', fleetId });
        if (err instanceof WorkflowNotFoundError) throw new CliError(`No fleet with id ${fleetId}.`);
        throw err;
      } finally {
        await temporal.close();
      }
      const report = await followFleet(fleetId, `Reattach with: cnam fleet status ${fleetId}`);
      if (opts.json) printJson(report);
      else printReport(report);
      process.exitCode = reportExit(report);
    });
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function fleetCommand(): Command {
  return new Command('fleet')
    .description('Put a caller name on many numbers at once: plan, apply, follow, report, retry')
    .addCommand(applyCommand())
    .addCommand(statusCommand())
    .addCommand(reportCommand())
    .addCommand(retryCommand());
}
