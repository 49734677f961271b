/**
 * `npm run dev`: the whole thing on this machine with no credentials — a Temporal dev server
 * (SQLite under .data/, Web UI), the provider sandboxes and a worker pointed at them.
 * `npm run demo` does the same, then provisions a number through the CLI and shows the result.
 */
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { NativeConnection } from '@temporalio/worker';
import { DEFAULT_NAMESPACE, DEFAULT_TASK_QUEUE, webUiLink } from '../src/config/constants';
import { createLogger, installTemporalLogging } from '../src/logging';
import { installWorkerMetrics } from '../src/telemetry/metrics';
import { startSandboxes } from './sandbox/start';
import { startDevServer } from './temporal/dev-server';
import {
  devServerSearchAttributeFlags,
  missingSearchAttributes,
  registerSearchAttributes,
} from '../src/temporal/search-attributes';
import { buildActivityDeps, createCnamWorker } from '../src/worker';
import { main as cnam } from '../src/cli/main';
import { randomBytes } from 'node:crypto';
import { Connection } from '@temporalio/client';
import { createClient } from '../src/temporal/connection';
import { startApiServer } from '../src/api';
import { startCodecServer } from '../src/temporal/codec-server';
import { codecFromEnv } from '../src/temporal/data-converter';

interface DevOptions {
  temporalPort: number;
  uiPort: number;
  db: string;
  flowroutePort: number;
  twilioPort: number;
  apiPort: number;
  codecPort: number;
  approvalDelay: number;
  demo?: boolean;
  exit?: boolean;
}

async function dev(opts: DevOptions): Promise<number> {
  const logFile = resolve(dirname(opts.db), 'dev.log');
  const logger = createLogger('cnam-dev', logFile);
  installTemporalLogging(logger);
  installWorkerMetrics();
  const say = (line: string) => process.stdout.write(`${line}\n`);
  // SIGINT/SIGTERM sent to this process (not only Ctrl-C, which the terminal sends to the dev server too):
  // while everything runs, stop it in order; while starting or in the demo, exit at once, and the dev
  // server's exit hook (dev/temporal/dev-server.ts) stops the Temporal server with us.
  let stopWaiting: (() => void) | null = null;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (stopWaiting) {
        stopWaiting();
        stopWaiting = null;
        return;
      }
      say('Stopping ...');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });

  // With payload encryption on (CNAM_CODEC_KEYS), the Web UI decodes through a codec server of our own.
  const codec = codecFromEnv();
  const codecServer = codec
    ? await startCodecServer({
        codec,
        host: '127.0.0.1',
        port: opts.codecPort,
        corsOrigins: [`http://127.0.0.1:${opts.uiPort}`, `http://localhost:${opts.uiPort}`],
      })
    : null;
  say(`Starting Temporal dev server on 127.0.0.1:${opts.temporalPort} (state in ${opts.db}) ...`);
  const server = await startDevServer({
    port: opts.temporalPort,
    uiPort: opts.uiPort,
    dbFilename: opts.db,
    searchAttributes: devServerSearchAttributeFlags(),
    ...(codecServer && { uiCodecEndpoint: codecServer.url }),
  });
  const sandboxes = await startSandboxes({
    flowroutePort: opts.flowroutePort,
    twilioPort: opts.twilioPort,
    flowrouteApprovalDelayMs: opts.approvalDelay,
    twilioDecisionDelayMs: opts.approvalDelay,
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const worker = await createCnamWorker({
    connection,
    namespace: DEFAULT_NAMESPACE,
    taskQueue: DEFAULT_TASK_QUEUE,
    deps: await buildActivityDeps(sandboxes.workerEnv),
  });
  const running = worker.run();

  // The HTTP API, with the Twilio status-callback receiver the sandbox calls back (signed with its auth token).
  const apiToken = process.env.CNAM_API_TOKEN ?? randomBytes(18).toString('base64url');
  const apiConnection = await Connection.connect({ address: server.address });
  // A state file from an older version keeps its attributes; the start flags only apply to a new file.
  const added = await registerSearchAttributes(apiConnection, DEFAULT_NAMESPACE);
  if (added.length > 0) await waitForSearchAttributes(apiConnection);
  const webhookUrl = `http://127.0.0.1:${opts.apiPort}/webhooks/twilio/trust-products`;
  const api = await startApiServer({
    port: opts.apiPort,
    host: '127.0.0.1',
    client: createClient(apiConnection, DEFAULT_NAMESPACE),
    taskQueue: DEFAULT_TASK_QUEUE,
    token: apiToken,
    namespace: DEFAULT_NAMESPACE,
    webhook: { publicUrl: webhookUrl, authToken: sandboxes.twilio.authToken },
    logger,
  });
  process.env.CNAM_PUBLIC_WEBHOOK_URL = webhookUrl;

  // The CLI (in this process and in the user's shell) finds the dev server through these.
  process.env.TEMPORAL_ADDRESS = server.address;
  if (server.uiUrl) process.env.TEMPORAL_UI_URL = server.uiUrl;
  say('');
  say(`Temporal Web UI:    ${server.uiUrl}`);
  say(
    `Flowroute sandbox:  ${sandboxes.flowroute.url} (records are approved ${opts.approvalDelay / 1000}s after creation)`,
  );
  say(
    `Twilio sandbox:     ${sandboxes.twilio.url} (approved Business Profile ${sandboxes.twilio.defaultBusinessProfileSid}; reviews decide ${opts.approvalDelay / 1000}s after submission)`,
  );
  if (codecServer)
    say(`Codec server:       ${codecServer.url} (payloads are encrypted; the Web UI decodes through it)`);
  say(`HTTP API:           ${api.url}  (Authorization: Bearer ${apiToken}; OpenAPI at ${api.url}/openapi.json)`);
  say(`Twilio callbacks:   ${webhookUrl} (set as each Trust Product's status callback)`);
  say(
    `Worker:             task queue ${DEFAULT_TASK_QUEUE}, providers: flowroute and twilio (sandboxes); JSON logs in ${logFile}`,
  );
  say('');

  let exitCode = 0;
  if (opts.demo) {
    const runs: { title: string; args: string[]; workflowId: string }[] = [
      {
        title: 'Flowroute (--association-wait 10s stands in for the 5-7 business days real runs wait out)',
        args: [
          'provision',
          'flowroute',
          '--number',
          '+12065550100',
          '--name',
          'Bob Law',
          '--wait',
          '--poll-initial',
          '2s',
          '--poll-max',
          '5s',
          '--association-wait',
          '10s',
        ],
        workflowId: 'cnam-flowroute-12065550100',
      },
      {
        title: 'Twilio Trust Hub (--propagation-wait 10s stands in for the 48-72 h carriers take)',
        args: [
          'provision',
          'twilio',
          '--number',
          '+12065550101',
          '--business-profile',
          sandboxes.twilio.defaultBusinessProfileSid,
          '--name',
          'ACME PLUMBING',
          '--email',
          'ops@example.com',
          '--wait',
          '--poll-initial',
          '2s',
          '--poll-max',
          '5s',
          '--propagation-wait',
          '10s',
        ],
        workflowId: 'cnam-twilio-12065550101',
      },
    ];
    for (const run of runs) {
      say(`Demo, ${run.title}:`);
      say(`  cnam ${run.args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ')}`);
      const code = await cnam(['node', 'cnam', ...run.args]);
      exitCode ||= code;
      say(code === 0 ? 'Completed.' : `Failed (exit ${code}).`);
      say(`See it in the Web UI: ${webUiLink(server.uiUrl ?? '', DEFAULT_NAMESPACE, run.workflowId)}`);
      say('');
    }
  }
  if (!opts.exit) {
    say('In another shell, with the same environment:');
    say(`  export TEMPORAL_ADDRESS=${server.address}`);
    say('  npx cnam provision flowroute --number +12065550102 --name "Pacific Dental" --wait --association-wait 30s');
    say(
      `  npx cnam provision twilio --number +12065550102 --business-profile ${sandboxes.twilio.defaultBusinessProfileSid} --name "PACIFIC DENTAL" --email ops@example.com --wait --propagation-wait 30s`,
    );
    say('  npx cnam status cnam-flowroute-12065550102');
    say(`  curl -H "Authorization: Bearer ${apiToken}" ${api.url}/v1/provisions`);
    say('Ctrl-C to stop everything.');
    await new Promise<void>((done) => {
      stopWaiting = done;
    });
  }
  say('Stopping ...');
  await api.close();
  await apiConnection.close();
  worker.shutdown();
  await running;
  await connection.close();
  await sandboxes.close();
  await server.stop();
  await codecServer?.close();
  return exitCode;
}

async function waitForSearchAttributes(connection: Connection): Promise<void> {
  for (let i = 0; i < 50 && (await missingSearchAttributes(connection, DEFAULT_NAMESPACE)).length > 0; i++) {
    await new Promise((r) => setTimeout(r, 200));
  }
  // Listed is not yet accepted everywhere: give the namespace cache a moment.
  await new Promise((r) => setTimeout(r, 2_000));
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`"${value}" is not a whole number`);
  return n;
}

const program = new Command('dev')
  .description('Run Temporal (dev server + Web UI), the provider sandboxes and a worker, all local')
  .option('--temporal-port <port>', 'Temporal frontend port', int, 7233)
  .option('--ui-port <port>', 'Web UI port', int, 8233)
  .option('--db <file>', 'SQLite file for the dev server', resolve(__dirname, '..', '.data', 'temporal.db'))
  .option('--flowroute-port <port>', 'Flowroute sandbox port', int, 8181)
  .option('--twilio-port <port>', 'Twilio sandbox port', int, 8182)
  .option('--api-port <port>', 'HTTP API port', int, 8080)
  .option('--codec-port <port>', 'codec server port for the Web UI (only with CNAM_CODEC_KEYS set)', int, 8888)
  .option('--approval-delay <ms>', 'milliseconds until the sandboxes approve a record / Trust Product', int, 5_000)
  .option('--demo', 'once everything is up, provision a number at each provider through the CLI')
  .option('--exit', 'stop everything after the demo instead of waiting for Ctrl-C')
  .action(async (opts: DevOptions) => {
    process.exitCode = await dev(opts);
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
