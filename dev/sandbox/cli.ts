/**
 * `npm run sandbox`: runs both provider emulators and prints the worker environment for them.
 * Dev tooling, not part of the `cnam` CLI, so it depends on nothing under src/.
 */
import { Command, CommanderError } from 'commander';
import ms, { type StringValue } from 'ms';

/** Exit codes as the `cnam` CLI uses them: 2 for a usage error, 1 for anything unexpected (a port already in use). */
const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const;

/** A problem reported as one sentence, without a stack, with its exit code. */
class UsageError extends Error {
  readonly exitCode = ExitCode.Usage;
}

const say = (line = ''): void => void process.stdout.write(`${line}\n`);
const printJson = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`"${value}" is not a port number.`);
  return n;
}

/** Milliseconds from `ms` (the parser Temporal uses for duration strings); 0 is a valid delay here ("decide at once"). */
function delayMs(value: string): number {
  let n: number | undefined;
  try {
    n = ms(value.trim() as StringValue);
  } catch {
    // ms throws on an empty or over-long string; neither is a duration.
  }
  if (n === undefined || !Number.isFinite(n) || n < 0)
    throw new UsageError(`"${value}" is not a duration; use e.g. 0, 500ms, 10s or 2m.`);
  return n;
}

/** Requests per second for --rate-limit: any number above 0 (0.5 is one request every two seconds). */
function requestsPerSecond(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`"${value}" is not a rate; give requests per second above 0, e.g. 10 or 0.5.`);
  return n;
}

export function sandboxCommand(): Command {
  return new Command('npm run sandbox --')
    .description(
      'Run local emulators of the provider APIs (Flowroute v2, Twilio Trust Hub) for demos and tests; no credentials needed',
    )
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--flowroute-port <port>', 'Flowroute sandbox port (0 = any free port)', port, 8181)
    .option('--twilio-port <port>', 'Twilio sandbox port (0 = any free port)', port, 8182)
    .option(
      '--approval-delay <duration>',
      'how long the providers take to review a new record / Trust Product',
      delayMs,
      10_000,
    )
    .option('--manual-review', 'never decide on its own: approve or reject through the admin surface')
    .option(
      '--rate-limit <n>',
      "requests per second each sandbox accepts (a burst of one second's worth) before answering 429",
      requestsPerSecond,
    )
    .option('--json', 'print the URLs and worker environment as JSON')
    .addHelpText(
      'after',
      `
Admin surface (no auth, sandbox only):
  GET  <flowroute>/__sandbox/state                     records, numbers, assignments, request and write counts, faults
  POST <flowroute>/__sandbox/cnams/<id>/approve        approve a record now
  POST <flowroute>/__sandbox/cnams/<id>/reject         body {"reason": "..."}
  POST <flowroute>/__sandbox/faults                    body {"status": 503, "count": 2, "path": "/v2/cnams"}
  POST <flowroute>/__sandbox/reset                     empty the account, zero the counts, restore --rate-limit
  PUT  <flowroute>/__sandbox/numbers/<n>/cnam          body {"cnamId": "24141"} | {"cnamId": null}: set as in the portal
  DELETE <flowroute>/__sandbox/numbers/<n>             release the number (the API then answers 404 for it)
  GET  <twilio>/__sandbox/state                        profiles, Trust Products, End Users, assignments, numbers, counts
  POST <twilio>/__sandbox/trust-products/<BU>/approve
  POST <twilio>/__sandbox/trust-products/<BU>/reject   body {"code": 11008}
  POST <twilio>/__sandbox/trust-products/<BU>/status   body {"status": "twilio-rejected", "validUntil": null}: drift
  PUT  <twilio>/__sandbox/numbers/<+E164>              body {"voiceCallerIdLookupSupported": false}: 21409 from then
  DELETE <twilio>/__sandbox/numbers/<+E164>            release the number and its assignments
  GET  <twilio>/__sandbox/lookup                       Lookup caller_name dips per number and the overrides
  PUT | DELETE <twilio>/__sandbox/lookup/numbers/<+E164>
                                                       body {"answer": "name", "callerName": "RIVAL CO"},
                                                       {"errorCode": 60608, "errorCount": 2}, {"propagationMs": 0}
  GET  <twilio>/__sandbox/callbacks                    status callbacks sent, with their signatures
  PUT  <twilio>/__sandbox/callback-settings            body {"callbackShape": "json", "callbackRepeats": 2}
  POST <twilio>/__sandbox/faults                       body {"status": 429, "count": 1, "retryAfterSeconds": 5}
  GET | DELETE <either>/__sandbox/faults               armed faults with matched/fired counts | clear them
  GET | PUT <either>/__sandbox/rate-limit              body {"requestsPerSecond": 10, "burst": 10} | null for none;
                                                       over it Flowroute answers 429 with Retry-After, Twilio
                                                       429 / 20429 without; "http429" in the state counts them

Faults match "method" and a "path" prefix, fire "count" times (default 1) or at "rate" (0-1, optional
"seed") until cleared, and have a "kind":
  {"status": 503, "delayMs": 500}                      answer with an error (kind "status", the default);
                                                       "retryAfterSeconds": null sends a 429 without Retry-After
  {"kind": "reset"}                                    drop the connection; nothing is applied
  {"kind": "lost-response"}                            apply the request, then drop the connection
  {"kind": "slow-write", "delayMs": 3000}              apply it after delayMs even if the client gave up

Examples:
  npm run sandbox -- --approval-delay 30s
  npm run sandbox -- --rate-limit 10`,
    )
    .action(
      async (opts: {
        host: string;
        flowroutePort: number;
        twilioPort: number;
        approvalDelay: number;
        manualReview?: boolean;
        rateLimit?: number;
        json?: boolean;
      }) => {
        // Imported when run: the emulators bring hono, which the other commands never need.
        const { startSandboxes } = await import('./start');
        const sandboxes = await startSandboxes({
          host: opts.host,
          flowroutePort: opts.flowroutePort,
          twilioPort: opts.twilioPort,
          flowrouteApprovalDelayMs: opts.approvalDelay,
          twilioDecisionDelayMs: opts.approvalDelay,
          autoReview: !opts.manualReview,
          ...(opts.rateLimit !== undefined && { rateLimit: { requestsPerSecond: opts.rateLimit } }),
        });
        if (opts.json) {
          printJson({
            flowroute: sandboxes.flowroute.url,
            twilio: sandboxes.twilio.url,
            businessProfileSid: sandboxes.twilio.defaultBusinessProfileSid,
            workerEnv: sandboxes.workerEnv,
          });
        } else {
          say(
            `Flowroute sandbox: ${sandboxes.flowroute.url}  (numbers on the account: ${sandboxes.flowroute.snapshot().config.numbers.join(', ')})`,
          );
          say(
            `Twilio sandbox:    ${sandboxes.twilio.url}  (approved Business Profile: ${sandboxes.twilio.defaultBusinessProfileSid})`,
          );
          say('Point a worker at them with:');
          for (const [k, v] of Object.entries(sandboxes.workerEnv)) say(`  export ${k}=${v}`);
          say('Ctrl-C to stop.');
        }
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        await sandboxes.close();
      },
    );
}

if (require.main === module) {
  sandboxCommand()
    .exitOverride()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage);
      console.error(err instanceof Error ? err.message : err);
      process.exit(err instanceof UsageError ? err.exitCode : ExitCode.Failed);
    });
}
