/**
 * `cnam provision <provider>`: one subcommand per registered provider, its options made from the
 * provider's module (the required fields) and option table (the tuning options, with their defaults).
 */
import { Command, Option } from 'commander';
import { webUiLink } from '../config/constants';
import { boundsText, checkOption, type TuningOption } from '../core/options';
import type { AnyProviderModule } from '../core/provider';
import { PROVIDERS } from '../providers';
import type { InvalidRequestError } from '../app/errors';
import type { ProvisionStart } from '../app/schemas';
import { CliError, ExitCode } from './output';

/** The option's value as given (a duration string as typed), refused with exit 2 when out of bounds. */
function optionParser(field: string, option: TuningOption): (value: string) => string | number {
  return (value) => {
    const parsed = option.kind === 'days' ? Number(value) : value;
    if (checkOption(field, option, parsed).ok) return parsed;
    const what = option.kind === 'days' ? 'a whole number of days' : 'a duration';
    const example = option.kind === 'days' ? '' : '; use e.g. 30s, 10m, 48h or 3d';
    throw new CliError(`"${value}" is not ${what} ${boundsText(option)}${example}.`, ExitCode.Usage);
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

interface CommonOptions {
  wait?: boolean;
  json?: boolean;
}

function providerCommand(provider: AnyProviderModule): Command {
  const command = new Command(provider.id).description(provider.cli.description);
  for (const field of Object.values(provider.cli.fields)) {
    const option = new Option(
      field.flag,
      field.envDefault ? `${field.help} (default: $${field.envDefault})` : field.help,
    );
    if (field.repeatable) option.argParser(collect);
    if (!field.envDefault && !field.optional) option.makeOptionMandatory();
    command.addOption(option);
  }
  command
    .option(
      '--wait',
      'follow the provisioning until it ends (can take days; Ctrl-C stops following, not the provisioning)',
    )
    .option('--json', 'print a JSON document instead of text');
  const tuning = Object.entries(provider.options);
  for (const [field, option] of tuning) {
    const unit = option.kind === 'days' ? '<days>' : '<duration>';
    const help = option.default === undefined ? option.help : `${option.help} (default ${option.default})`;
    command.addOption(new Option(`${option.flag} ${unit}`, help).argParser(optionParser(field, option)));
  }
  return command
    .addHelpText('after', `\nExample:\n  ${provider.cli.example}`)
    .action(async (opts: CommonOptions & Record<string, unknown>) => {
      const values: Record<string, unknown> = { ...opts };
      for (const [key, field] of Object.entries(provider.cli.fields)) {
        if (values[key] === undefined && field.envDefault) values[key] = process.env[field.envDefault] || undefined;
      }
      const input: Record<string, unknown> = { provider: provider.id, ...provider.cli.fromCli(values) };
      // Only the options given, so the workflow's defaults apply to the rest.
      for (const [field, option] of tuning) {
        const value = opts[camelCase(option.flag)];
        if (value !== undefined) input[field] = value;
      }
      await runProvision(input as ProvisionStart, opts);
    });
}

/** Commander's attribute name for a flag: '--poll-initial' → 'pollInitial'. */
function camelCase(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function invalidRequest(err: InvalidRequestError): CliError {
  return new CliError(`Not started; the request breaks these rules:\n${err.message}`, ExitCode.Failed, {
    error: 'invalid-request',
    problems: err.problems,
  });
}

async function runProvision(start: ProvisionStart, opts: CommonOptions): Promise<void> {
  // Imported when run, so `cnam --help` and the offline commands never load the Temporal client.
  const [{ InvalidRequestError }, { prepareProvision, startProvision }, { reportStarted }, { cliTemporal }] =
    await Promise.all([import('../app/errors'), import('../app/start'), import('./follow'), import('./temporal')]);
  try {
    // Checked before connecting, so a bad name is reported even when Temporal is down.
    prepareProvision(start);
  } catch (err) {
    if (err instanceof InvalidRequestError) throw invalidRequest(err);
    throw err;
  }
  const temporal = await cliTemporal();
  try {
    const started = await startProvision(temporal.client, temporal.env.CNAM_TASK_QUEUE, start);
    await reportStarted(temporal.client, started, {
      ...opts,
      webUi: webUiLink(temporal.env.TEMPORAL_UI_URL, temporal.namespace, started.workflowId),
      alreadyRunning: `Already being provisioned: ${started.workflowId} (no second run started)`,
      startedText: `Started ${started.workflowId}`,
    });
  } finally {
    await temporal.close();
  }
}

export function provisionCommand(): Command {
  const command = new Command('provision').description('Start provisioning a caller name for a number at a provider');
  for (const provider of PROVIDERS) command.addCommand(providerCommand(provider));
  return command;
}
