/**
 * `cnam rename`, `cnam remove`, `cnam adopt` and `cnam cancel`: the life of a name after it is
 * provisioned. One command for every provider (`--provider`); a rename's tuning flags come from the
 * providers' option tables, and a flag two providers share (e.g. `--poll-initial`) sets the chosen
 * provider's own field.
 */
import { Command, Option } from 'commander';
import { webUiLink } from '../config/constants';
import type { LifecycleOperation } from '../core/lifecycle';
import { boundsText, checkOption, type TuningOption } from '../core/options';
import type { AnyProviderModule } from '../core/provider';
import { PROVIDER_IDS, PROVIDERS } from '../providers';
import type { ProvisionReport } from '../app/describe';
import { CliError, ExitCode, printJson, say, warn } from './output';
import { printReport } from './status';

interface CommonOptions {
  provider: string;
  number: string;
  wait?: boolean;
  json?: boolean;
}

const PROVIDERS_ = PROVIDERS as readonly AnyProviderModule[];

/** Commander's attribute name for a flag: '--poll-initial <duration>' → 'pollInitial'. */
function attribute(flag: string): string {
  return flag
    .replace(/^--/, '')
    .replace(/ .*$/, '')
    .replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every tuning flag of any provider, once, with each provider's field behind it. */
function tuningFlags(): Map<string, { provider: AnyProviderModule; field: string; option: TuningOption }[]> {
  const flags = new Map<string, { provider: AnyProviderModule; field: string; option: TuningOption }[]>();
  for (const provider of PROVIDERS_)
    for (const [field, option] of Object.entries(provider.options))
      flags.set(option.flag, [...(flags.get(option.flag) ?? []), { provider, field, option }]);
  return flags;
}

/**
 * A rename's own optional fields beyond the tuning options, by input field, offered as the flag the
 * provider's `cnam provision` has for it (so `--email` and `--status-callback` read the same everywhere).
 */
const RENAME_FIELDS = [
  { field: 'notificationEmail', flag: '--email <email>', note: "optional; default: the number's current one" },
  { field: 'statusCallbackUrl', flag: '--status-callback <url>', note: '' },
] as const;

function renameFields() {
  return RENAME_FIELDS.flatMap((f) => {
    const users = PROVIDERS_.flatMap((p) =>
      Object.values(p.cli.fields)
        .filter((c) => c.flag === f.flag)
        .map((cli) => ({ provider: p, cli })),
    );
    return users.length === 0 ? [] : [{ ...f, users }];
  });
}

/** The chosen provider's value of a tuning flag, or a usage error (exit 2) saying why not. */
function tuningValue(provider: AnyProviderModule, flag: string, raw: string): { field: string; value: unknown } {
  const entry = Object.entries(provider.options).find(([, o]) => o.flag === flag);
  if (!entry) throw new CliError(`${flag} is not an option of ${provider.id}.`, ExitCode.Usage);
  const [field, option] = entry;
  const value = option.kind === 'days' ? Number(raw) : raw;
  if (checkOption(field, option, value).ok) return { field, value };
  const what = option.kind === 'days' ? 'a whole number of days' : 'a duration';
  const example = option.kind === 'days' ? '' : '; use e.g. 30s, 10m, 48h or 3d';
  throw new CliError(`${flag}: "${raw}" is not ${what} ${boundsText(option)}${example}.`, ExitCode.Usage);
}

function withCommonOptions(command: Command, operation: LifecycleOperation): Command {
  command
    .addOption(
      new Option('--provider <provider>', 'the provider the number is at').choices(PROVIDER_IDS).makeOptionMandatory(),
    )
    .requiredOption('--number <number>', 'the US long-code number, e.g. +12065550100');
  if (operation === 'rename') command.requiredOption('--name <name>', 'the new caller name, at most 15 characters');
  return command
    .option('--wait', `follow the ${operation} until it ends (Ctrl-C stops following, not the run)`)
    .option('--json', 'print a JSON document instead of text');
}

function renameCommand(): Command {
  const command = withCommonOptions(
    new Command('rename').description(
      'Give a provisioned number a new caller name: the new name is set up and approved at the provider while the old one keeps showing, then the number moves to it and what no number uses any more is deleted',
    ),
    'rename',
  );
  const extras = renameFields();
  for (const extra of extras) {
    const ids = extra.users.map((u) => u.provider.id).join(', ');
    const envDefault = extra.users.find((u) => u.cli.envDefault)?.cli.envDefault;
    const help = [extra.users[0]!.cli.help, `${ids} only`, extra.note, envDefault && `default: $${envDefault}`]
      .filter(Boolean)
      .join('; ');
    command.option(extra.flag, help);
  }
  const tuning = tuningFlags();
  for (const [flag, uses] of tuning) {
    const unit = uses[0]!.option.kind === 'days' ? '<days>' : '<duration>';
    const help = uses
      .map(({ provider, option }) => {
        const text = option.default === undefined ? option.help : `${option.help}, default ${option.default}`;
        return uses.length === 1 ? `${text} (${provider.id} only)` : `${provider.id}: ${text}`;
      })
      .join('; ');
    command.option(`${flag} ${unit}`, help);
  }
  return command
    .addHelpText(
      'after',
      '\nExample:\n  cnam rename --provider <provider> --number +12065550100 --name "Cedar Dental" --wait\n\n' +
        'Exit code 0 when started (with --wait: renamed), 1 when refused (a broken rule, another run on the\n' +
        'number) or the rename failed, 2 for a usage error. Cancel it with `cnam cancel <workflow-id>`.',
    )
    .action(async (opts: CommonOptions & { name: string } & Record<string, unknown>) => {
      const provider = PROVIDERS_.find((p) => p.id === opts.provider)!;
      const request: Record<string, unknown> = { number: opts.number, displayName: opts.name };
      for (const flag of tuning.keys()) {
        const raw = opts[attribute(flag)];
        if (typeof raw !== 'string') continue;
        const { field, value } = tuningValue(provider, flag, raw);
        request[field] = value;
      }
      for (const extra of extras) {
        const mine = extra.users.find((u) => u.provider === provider);
        let value = opts[attribute(extra.flag)];
        if (value === undefined && mine?.cli.envDefault) value = process.env[mine.cli.envDefault] || undefined;
        if (value === undefined) continue;
        if (!mine)
          throw new CliError(`${extra.flag.split(' ')[0]} is not an option of ${provider.id}.`, ExitCode.Usage);
        request[extra.field] = value;
      }
      await runLifecycle('rename', provider, request, opts);
    });
}

function numberCommand(operation: 'remove' | 'adopt'): Command {
  const texts = {
    remove: {
      description:
        "Take a number's caller name off it at the provider; the record or product behind it is deleted once no number uses it",
      example: 'cnam remove --provider <provider> --number +12065550100 --wait',
    },
    adopt: {
      description:
        'Take over a number that already shows a name at the provider (set up by hand or elsewhere): reads what it shows and creates nothing, so rename and remove work on it',
      example: 'cnam adopt --provider <provider> --number +12065550100 --wait',
    },
  }[operation];
  return withCommonOptions(new Command(operation).description(texts.description), operation)
    .addHelpText(
      'after',
      `\nExample:\n  ${texts.example}\n\n` +
        `Exit code 0 when started (with --wait: done), 1 when refused (a bad number, another run on the number)\n` +
        `or it failed, 2 for a usage error.`,
    )
    .action(async (opts: CommonOptions) => {
      const provider = PROVIDERS_.find((p) => p.id === opts.provider)!;
      await runLifecycle(operation, provider, { number: opts.number }, opts);
    });
}

async function runLifecycle(
  operation: LifecycleOperation,
  provider: AnyProviderModule,
  fields: Record<string, unknown>,
  opts: CommonOptions,
): Promise<void> {
  // Imported when run, so `cnam --help` and the offline commands never load the Temporal client.
  const [
    { InvalidRequestError, NumberBusyError },
    { prepareLifecycle, startLifecycle },
    { reportStarted },
    { cliTemporal },
  ] = await Promise.all([
    import('../app/errors'),
    import('../app/lifecycle'),
    import('./follow'),
    import('./temporal'),
  ]);
  const request = { ...fields, provider: provider.id, operation } as Parameters<typeof startLifecycle>[2];
  try {
    // Checked before connecting, so a bad name is reported even when Temporal is down.
    prepareLifecycle(request);
  } catch (err) {
    if (err instanceof InvalidRequestError)
      throw new CliError(`Not started; the request breaks these rules:\n${err.message}`, ExitCode.Failed, {
        error: 'invalid-request',
        problems: err.problems,
      });
    throw err;
  }
  const temporal = await cliTemporal();
  try {
    const started = await startLifecycle(temporal.client, temporal.env.CNAM_TASK_QUEUE, request).catch(
      (err: unknown) => {
        if (err instanceof NumberBusyError)
          throw new CliError(
            `Not started: ${err.message} (\`cnam status ${err.workflowId}\`, \`cnam cancel ${err.workflowId}\`).`,
            ExitCode.Failed,
            { error: 'number-busy', workflowId: err.workflowId, runningOperation: err.runningOperation },
          );
        throw err;
      },
    );
    await reportStarted(temporal.client, started, {
      ...opts,
      webUi: webUiLink(temporal.env.TEMPORAL_UI_URL, temporal.namespace, started.workflowId),
      alreadyRunning: `A ${operation} of this number is already running: ${started.workflowId} (no second run started)`,
      startedText: `Started ${operation}: ${started.workflowId}`,
    });
  } finally {
    await temporal.close();
  }
}

/** Exit code of `cancel --wait`: 0 once it ended cancelled with every undo step done, else 1. */
function cancelExitCode(report: ProvisionReport): number {
  const failed = report.status?.undo?.some((u) => u.outcome === 'failed') ?? false;
  return report.state === 'cancelled' && !failed ? ExitCode.Ok : ExitCode.Failed;
}

function cancelCommand(): Command {
  return new Command('cancel')
    .description(
      'Cancel a running provisioning, rename, removal or adoption: it undoes what this run created, in reverse order, and says what it cannot undo',
    )
    .argument('<workflow-id>', 'as printed when it started, e.g. cnam-flowroute-12065550100')
    .option('--wait', 'wait until it has undone what it can and ended, and print each undo step')
    .option('--json', 'print a JSON document instead of text')
    .addHelpText(
      'after',
      '\nExit code 1 when there is no such run, it has already ended, or a cancel was already requested;\n' +
        'with --wait also when it did not end cancelled or an undo step failed.',
    )
    .action(async (workflowId: string, opts: { wait?: boolean; json?: boolean }) => {
      const [
        { WorkflowNotFoundError },
        { cancelProvision },
        { AlreadyCancellingError, ProvisionNotRunningError },
        { followProvision },
        { cliTemporal },
      ] = await Promise.all([
        import('@temporalio/client'),
        import('../app/control'),
        import('../app/errors'),
        import('./follow'),
        import('./temporal'),
      ]);
      const temporal = await cliTemporal();
      try {
        await cancelProvision(temporal.client, workflowId).catch((err: unknown) => {
          const refused = (error: string, message: string) =>
            new CliError(message, ExitCode.Failed, { error, workflowId, message });
          if (err instanceof WorkflowNotFoundError) throw refused('not-found', `No run with id ${workflowId}.`);
          if (err instanceof ProvisionNotRunningError)
            throw refused('not-running', `Not cancelled: ${workflowId} has already ended (${err.state}).`);
          if (err instanceof AlreadyCancellingError)
            throw refused(
              'already-cancelling',
              `Not cancelled again: a cancel of ${workflowId} was already requested; it is undoing what it did (see \`cnam status ${workflowId}\`).`,
            );
          throw err;
        });
        if (!opts.wait) {
          if (opts.json) printJson({ workflowId, cancelRequested: true });
          else {
            say(`Cancel requested for ${workflowId}: it undoes what this run created, then ends cancelled.`);
            say(`Follow it with: cnam status ${workflowId}`);
          }
          return;
        }
        if (!opts.json) warn(`Cancel requested for ${workflowId}; waiting for it to undo what it did and end.`);
        const report = await followProvision(temporal.client, workflowId);
        process.exitCode = cancelExitCode(report);
        if (opts.json) {
          printJson({ cancelRequested: true, ...report });
          return;
        }
        printReport(report);
        if (report.state !== 'cancelled')
          say(`It ended ${report.state} before acting on the cancel: nothing was undone.`);
        else if (process.exitCode !== ExitCode.Ok) say('Some undo steps failed: see above.');
      } finally {
        await temporal.close();
      }
    });
}

/** The lifecycle commands, for the program's top level. */
export function lifecycleCommands(): Command[] {
  return [renameCommand(), numberCommand('remove'), numberCommand('adopt'), cancelCommand()];
}
