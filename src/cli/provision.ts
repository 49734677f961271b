import { Command, Option } from 'commander';
import { webUiLink } from '../config/constants';
import type { InvalidRequestError, ProvisionStart } from '../app/start';
import { BUSINESS_DAYS_BOUNDS, checkDuration, DURATION_BOUNDS, type DurationField, type DurationInput } from '../core/duration';
import { CliError, ExitCode, printJson, say } from './output';
import { printReport, reportExitCode } from './status';

/** An option parser for the workflow input `field`: a duration within that field's bounds. */
function duration(field: DurationField): (value: string) => DurationInput {
  return (value) => {
    const check = checkDuration(field, value);
    if (!check.ok) throw new CliError(`"${value}" is not a duration ${DURATION_BOUNDS[field].text}; use e.g. 30s, 10m, 48h or 3d.`, ExitCode.Usage);
    return value;
  };
}

function wholeDays(value: string): number {
  const n = Number(value);
  const { min, max } = BUSINESS_DAYS_BOUNDS;
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`"${value}" is not a whole number of days from ${min} to ${max}.`, ExitCode.Usage);
  return n;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Drops options the user did not give, so workflow defaults apply. */
function given<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface CommonOptions {
  wait?: boolean;
  json?: boolean;
}

function flowrouteCommand(): Command {
  return new Command('flowroute')
    .description('Create (or reuse) a Flowroute CNAM record, wait for approval, assign it to the number and wait for it to take effect')
    .requiredOption('--number <number>', 'the US long-code number on your Flowroute account, e.g. +12065550100')
    .requiredOption('--name <name>', 'the caller name to show, at most 15 characters')
    .option('--wait', 'follow the provisioning until it ends (can take days; Ctrl-C stops following, not the provisioning)')
    .option('--json', 'print a JSON document instead of text')
    .option('--approval-timeout <duration>', 'give up waiting for approval after this long (default 96h)', duration('approvalTimeout'))
    .option('--poll-initial <duration>', 'first interval between approval checks, doubling after (default 5m)', duration('approvalPollInitial'))
    .option('--poll-max <duration>', 'longest interval between approval checks (default 1h)', duration('approvalPollMax'))
    .option('--business-days <days>', 'business days to wait for the association to take effect (default 7)', wholeDays)
    .addOption(new Option('--association-wait <duration>', 'demo/test override: wait this long instead of business days').argParser(duration('associationWait')))
    .addHelpText('after', '\nExample:\n  cnam provision flowroute --number +12065550100 --name "Bob Law" --wait')
    .action(async (opts: CommonOptions & Record<string, unknown>) => {
      await runProvision(
        {
          provider: 'flowroute',
          number: opts.number as string,
          displayName: opts.name as string,
          ...given({
            approvalTimeout: opts.approvalTimeout as DurationInput | undefined,
            approvalPollInitial: opts.pollInitial as DurationInput | undefined,
            approvalPollMax: opts.pollMax as DurationInput | undefined,
            associationBusinessDays: opts.businessDays as number | undefined,
            associationWait: opts.associationWait as DurationInput | undefined,
          }),
        },
        opts,
      );
    });
}

function twilioCommand(): Command {
  return new Command('twilio')
    .description('Put the number(s) on a CNAM Trust Product under your approved Business Profile, submit it, wait for approval, enable Caller Name Lookup')
    .requiredOption('--number <number>', 'a US local number on your Twilio account; repeat to put several numbers on one Trust Product', collect)
    .requiredOption('--business-profile <sid>', 'your approved Trust Hub Business Profile, BU…')
    .requiredOption('--name <name>', 'the caller name to show: at most 15 characters, starting with a letter')
    .requiredOption('--email <email>', 'notification email for the Trust Product')
    .option('--status-callback <url>', "public URL of this service's Twilio webhook receiver, so approval wakes the workflow at once (default: $CNAM_PUBLIC_WEBHOOK_URL)")
    .option('--wait', 'follow the provisioning until it ends (can take days; Ctrl-C stops following, not the provisioning)')
    .option('--json', 'print a JSON document instead of text')
    .option('--review-timeout <duration>', "give up waiting for Twilio's review after this long (default 14d)", duration('reviewTimeout'))
    .option('--poll-initial <duration>', 'first interval between review checks, doubling after (default 10m)', duration('reviewPollInitial'))
    .option('--poll-max <duration>', 'longest interval between review checks (default 2h)', duration('reviewPollMax'))
    .option('--propagation-wait <duration>', 'how long carriers take after approval (default 72h)', duration('propagationWait'))
    .addHelpText('after', '\nExample:\n  cnam provision twilio --number +12065550100 --business-profile BU… --name "ACME PLUMBING" --email ops@example.com --wait')
    .action(async (opts: CommonOptions & Record<string, unknown>) => {
      const [first, ...more] = opts.number as string[];
      await runProvision(
        {
          provider: 'twilio',
          phoneNumber: first!,
          ...(more.length > 0 && { additionalPhoneNumbers: more }),
          businessProfileSid: opts.businessProfile as string,
          displayName: opts.name as string,
          notificationEmail: opts.email as string,
          ...given({
            statusCallbackUrl: (opts.statusCallback as string | undefined) ?? (process.env.CNAM_PUBLIC_WEBHOOK_URL || undefined),
            reviewTimeout: opts.reviewTimeout as DurationInput | undefined,
            reviewPollInitial: opts.pollInitial as DurationInput | undefined,
            reviewPollMax: opts.pollMax as DurationInput | undefined,
            propagationWait: opts.propagationWait as DurationInput | undefined,
          }),
        },
        opts,
      );
    });
}

function invalidRequest(err: InvalidRequestError): CliError {
  return new CliError(`Not started; the request breaks these rules:\n${err.message}`, ExitCode.Failed, { error: 'invalid-request', problems: err.problems });
}

async function runProvision(start: ProvisionStart, opts: CommonOptions): Promise<void> {
  // Imported when run, so `cnam --help` and the offline commands never load the Temporal client.
  const [{ InvalidRequestError, startProvision, validateProvisionStart }, { followProvision }, { cliTemporal }] = await Promise.all([
    import('../app/start'),
    import('./follow'),
    import('./temporal'),
  ]);
  try {
    // Checked before connecting, so a bad name is reported even when Temporal is down.
    validateProvisionStart(start);
  } catch (err) {
    if (err instanceof InvalidRequestError) throw invalidRequest(err);
    throw err;
  }
  const temporal = await cliTemporal();
  try {
    const started = await startProvision(temporal.client, temporal.env.CNAM_TASK_QUEUE, start);
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
    .addCommand(flowrouteCommand())
    .addCommand(twilioCommand());
}
