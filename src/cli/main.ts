/**
 * `cnam`: the command line for starting, following and checking CNAM provisionings,
 * and for running the worker and the HTTP API. The provider emulators are dev tooling: `npm run sandbox`.
 */
import { Command, CommanderError } from 'commander';
import { codecServerCommand } from './codec-server';
import { fleetCommand } from './fleet';
import { lifecycleCommands } from './lifecycle';
import { provisionCommand } from './provision';
import { setupCommand } from './setup';
import { checkNowCommand, statusCommand } from './status';
import { validateNameCommand } from './validate-name';
import { watchCommand } from './watch';
import { CliError, endQuietlyWhenStdoutCloses, ExitCode, printJson, warn } from './output';

export function buildProgram(): Command {
  const program = new Command('cnam')
    .description('Durable CNAM (outbound caller name) provisioning at Flowroute and Twilio, on Temporal')
    .version(require('../../package.json').version as string)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      '\nEnvironment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_UI_URL, CNAM_TASK_QUEUE (see README).\n' +
        'Exit codes: 0 ok, 1 the request failed or was refused, 2 usage or configuration error.',
    );
  program.addCommand(provisionCommand());
  for (const command of lifecycleCommands()) program.addCommand(command);
  program.addCommand(fleetCommand());
  program.addCommand(watchCommand());
  program.addCommand(statusCommand());
  program.addCommand(checkNowCommand());
  program.addCommand(validateNameCommand());
  program.addCommand(setupCommand());
  program.addCommand(codecServerCommand());
  program.addCommand(
    new Command('serve')
      .description(
        'Run the HTTP API and the Twilio status-callback receiver (configuration from the environment, see README)',
      )
      // Imported when run, so the other commands never load the API (hono) or the worker (native bridge).
      .action(async () => (await import('../api')).runApiFromEnv()),
  );
  program.addCommand(
    new Command('worker')
      .description('Run the worker (provider credentials from the environment)')
      .action(async () => (await import('../worker')).runWorkerFromEnv()),
  );
  inheritErrorHandling(program);
  return program;
}

/** addCommand() does not pass these on: without them a subcommand's usage error would exit(1) by itself. */
function inheritErrorHandling(command: Command): void {
  for (const sub of command.commands) {
    sub.exitOverride().showHelpAfterError('(run with --help for usage)');
    inheritErrorHandling(sub);
  }
}

export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenStdoutCloses();
  const program = buildProgram();
  const wantsJson = argv.includes('--json');
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    if (err instanceof CliError) {
      if (wantsJson) printJson(err.json ?? { error: err.message });
      else warn(err.message);
      return err.exitCode;
    }
    // Only a command that loaded the environment schema (zod) can throw a ConfigError: importing it here costs the others nothing.
    const { ConfigError } = await import('../config/env');
    if (err instanceof ConfigError) {
      warn(err.message);
      return ExitCode.Usage;
    }
    // Temporal's errors put the server's explanation in `cause`.
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    warn(err instanceof Error ? `Error: ${err.message}${cause}` : String(err));
    return ExitCode.Failed;
  }
}

if (require.main === module) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
