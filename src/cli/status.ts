import { Command } from 'commander';
import { webUiLink } from '../config/constants';
import type { ProvisionReport } from '../app/describe';
import { CliError, ExitCode, printJson, say } from './output';

export function reportExitCode(report: ProvisionReport): number {
  return report.state === 'running' || report.state === 'completed' ? ExitCode.Ok : ExitCode.Failed;
}

export function printReport(report: ProvisionReport): void {
  const s = report.status;
  say(
    `${report.workflowId}: ${report.state}${s ? ` (${s.operation ?? 'provision'}, step: ${s.step}, approval: ${s.approval})` : ''}`,
  );
  if (s) {
    say(`  number ${s.number}, name "${s.displayName}"`);
    for (const [role, id] of Object.entries(s.resources)) say(`  ${role}: ${id}`);
    if (s.nextCheckAt && report.state === 'running') say(`  next check: ${s.nextCheckAt}`);
    for (const step of s.stepsDone) say(`  ${step.at}  ${step.step}`);
    if (s.verification) {
      const v = s.verification;
      say(`  on the network: ${v.outcome} — ${v.summary} (${v.dips} CNAM dip${v.dips === 1 ? '' : 's'})`);
      if (v.numbers.length > 1) for (const n of v.numbers) say(`    ${n.number}: ${n.summary}`);
      if (v.nextDipAt && report.state === 'running') say(`  next dip: ${v.nextDipAt}`);
    }
    // After a cancel: what each undo step did, in the order run.
    if (s.undo && s.undo.length > 0) {
      say('  undo:');
      for (const u of s.undo) say(`    ${u.outcome.padEnd(7)}  ${u.step}: ${u.detail}`);
    }
  } else if (report.state === 'running') {
    say('  (no worker answered the status query; is the worker running?)');
  }
  if (report.result) say(`Result: ${JSON.stringify(report.result, null, 2)}`);
  if (report.failure) say(`Failure: ${report.failure}`);
}

export function statusCommand(): Command {
  return new Command('status')
    .description(
      'Show where a provisioning, rename, removal or adoption is: step, ids, approval state, next check, steps done, undo outcomes',
    )
    .argument('<workflow-id>', 'as printed by `cnam provision`, e.g. cnam-flowroute-12065550100')
    .option('--json', 'print a JSON document instead of text')
    .addHelpText('after', '\nExit code 0 while running or completed, 1 when it failed or was cancelled.')
    .action(async (workflowId: string, opts: { json?: boolean }) => {
      // Imported when run, so `cnam --help` and the offline commands never load the Temporal client.
      const [{ WorkflowNotFoundError }, { describeProvision }, { cliTemporal }] = await Promise.all([
        import('@temporalio/client'),
        import('../app/describe'),
        import('./temporal'),
      ]);
      const temporal = await cliTemporal();
      try {
        const report = await describeProvision(temporal.client, workflowId).catch((err: unknown) => {
          if (err instanceof WorkflowNotFoundError)
            throw new CliError(`No provisioning with id ${workflowId}.`, ExitCode.Failed, {
              error: 'not-found',
              workflowId,
            });
          throw err;
        });
        const link = webUiLink(temporal.env.TEMPORAL_UI_URL, temporal.namespace, workflowId);
        if (opts.json) printJson({ ...report, webUi: link });
        else {
          printReport(report);
          say(`Web UI: ${link}`);
        }
        process.exitCode = reportExitCode(report);
      } finally {
        await temporal.close();
      }
    });
}

export function checkNowCommand(): Command {
  return new Command('check-now')
    .description(
      "Ask a provisioning waiting on the provider's review to check now instead of at its next scheduled check",
    )
    .argument('<workflow-id>')
    .addHelpText(
      'after',
      '\nExit code 1 when there is no such provisioning, or it is closed or not waiting on a review (the reason is printed).',
    )
    .action(async (workflowId: string) => {
      const [{ WorkflowNotFoundError }, { checkNowProvision }, { ProvisionNotRunningError }, { cliTemporal }] =
        await Promise.all([
          import('@temporalio/client'),
          import('../app/control'),
          import('../app/errors'),
          import('./temporal'),
        ]);
      const temporal = await cliTemporal();
      try {
        await checkNowProvision(temporal.client, workflowId);
        say(`${workflowId} is checking with the provider now.`);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new CliError(`No provisioning with id ${workflowId}.`);
        if (err instanceof ProvisionNotRunningError) throw new CliError(`Not asked: ${err.message}`);
        throw err;
      } finally {
        await temporal.close();
      }
    });
}
