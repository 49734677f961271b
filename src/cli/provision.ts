import { Command, Option } from 'commander';
import { msToNumber } from '@temporalio/common/lib/time';
import { webUiLink } from '../config/constants';
import { checkProvisionRequest } from '../provisioning/request';
import { InvalidRequestError, startFlowrouteProvision } from '../provisioning/service';
import type { DurationInput, FlowrouteProvisionInput } from '../workflows/messages';
import { followProvision } from './follow';
import { CliError, ExitCode, printJson, say } from './output';
import { reportExitCode, printReport } from './status';
import { cliTemporal } from './temporal';

function duration(value: string): DurationInput {
  try {
    msToNumber(value as DurationInput);
    return value as DurationInput;
  } catch {
    throw new CliError(`"${value}" is not a duration; use e.g. 30s, 10m, 48h or 3d.`, ExitCode.Usage);
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`"${value}" is not a whole number of days.`, ExitCode.Usage);
  return n;
}

interface FlowrouteOptions {
  number: string;
  name: string;
  wait?: boolean;
  json?: boolean;
  approvalTimeout?: DurationInput;
  pollInitial?: DurationInput;
  pollMax?: DurationInput;
  businessDays?: number;
  associationWait?: DurationInput;
}

function flowrouteCommand(): Command {
  return new Command('flowroute')
    .description('Create (or reuse) a Flowroute CNAM record, wait for approval, assign it to the number and wait for it to take effect')
    .requiredOption('--number <number>', 'the US long-code number on your Flowroute account, e.g. +12065550100')
    .requiredOption('--name <name>', 'the caller name to show, at most 15 characters')
    .option('--wait', 'follow the provisioning until it ends (can take days; Ctrl-C stops following, not the provisioning)')
    .option('--json', 'print a JSON document instead of text')
    .option('--approval-timeout <duration>', 'give up waiting for approval after this long (default 96h)', duration)
    .option('--poll-initial <duration>', 'first interval between approval checks, doubling after (default 5m)', duration)
    .option('--poll-max <duration>', 'longest interval between approval checks (default 1h)', duration)
    .option('--business-days <days>', 'business days to wait for the association to take effect (default 7)', positiveInt)
    .addOption(new Option('--association-wait <duration>', 'demo/test override: wait this long instead of business days').argParser(duration))
    .addHelpText('after', '\nExample:\n  cnam provision flowroute --number +12065550100 --name "Bob Law" --wait')
    .action(async (opts: FlowrouteOptions) => {
      const input: FlowrouteProvisionInput = {
        number: opts.number,
        displayName: opts.name,
        ...(opts.approvalTimeout !== undefined && { approvalTimeout: opts.approvalTimeout }),
        ...(opts.pollInitial !== undefined && { approvalPollInitial: opts.pollInitial }),
        ...(opts.pollMax !== undefined && { approvalPollMax: opts.pollMax }),
        ...(opts.businessDays !== undefined && { associationBusinessDays: opts.businessDays }),
        ...(opts.associationWait !== undefined && { associationWait: opts.associationWait }),
      };
      await runProvision(input, opts);
    });
}

function invalidRequest(err: InvalidRequestError): CliError {
  return new CliError(`Not started; the request breaks these rules:\n${err.message}`, ExitCode.Failed, { error: 'invalid-request', problems: err.problems });
}

async function runProvision(input: FlowrouteProvisionInput, opts: { wait?: boolean; json?: boolean }): Promise<void> {
  // Checked before connecting, so a bad name is reported even when Temporal is down.
  const check = checkProvisionRequest({ provider: 'flowroute', number: input.number, displayName: input.displayName });
  if (!check.ok) throw invalidRequest(new InvalidRequestError(check.problems));
  const temporal = await cliTemporal();
  try {
    let started;
    try {
      started = await startFlowrouteProvision(temporal.client, temporal.env.CNAM_TASK_QUEUE, input);
    } catch (err) {
      if (err instanceof InvalidRequestError) throw invalidRequest(err);
      throw err;
    }
    const link = webUiLink(temporal.env.TEMPORAL_UI_URL, temporal.namespace, started.workflowId);
    if (!opts.json) {
      say(started.alreadyRunning ? `Already being provisioned: ${started.workflowId} (no second run started)` : `Started ${started.workflowId}`);
      say(`Web UI: ${link}`);
    }
    if (!opts.wait) {
      if (opts.json) printJson({ ...started, webUi: link });
      else say(`Follow it with: cnam status ${started.workflowId}`);
      return;
    }
    const report = await followProvision(temporal.client, started.workflowId);
    if (opts.json) printJson({ ...started, webUi: link, ...report });
    else printReport(report);
    process.exitCode = reportExitCode(report);
  } finally {
    await temporal.close();
  }
}

export function provisionCommand(): Command {
  return new Command('provision')
    .description('Start provisioning a caller name for a number at a provider')
    .addCommand(flowrouteCommand());
}
