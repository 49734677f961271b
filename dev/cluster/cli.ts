/**
 * `npm run cluster`: the production topology here, without Docker (see dev/cluster/cluster.ts), until
 * SIGINT/SIGTERM. State (PostgreSQL's data, configs, logs) stays in .cluster/state between runs.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { startCluster } from './cluster';

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new Error(`"${value}" is not a port`);
  return n;
}

const program = new Command('cluster')
  .description(
    'Run PostgreSQL, a real Temporal server on it with its Web UI, the provider sandboxes, two workers and the API',
  )
  .option('--state <dir>', 'PostgreSQL data, configs and logs', resolve(__dirname, '..', '..', '.cluster', 'state'))
  .option('--postgres-port <port>', 'PostgreSQL port', port, 55432)
  .option('--temporal-port <port>', 'Temporal frontend port (the server also uses the 9 ports above it)', port, 17233)
  .option('--ui-port <port>', 'Web UI port', port, 18233)
  .option('--api-port <port>', 'HTTP API port', port, 18080)
  .option('--flowroute-port <port>', 'Flowroute sandbox port', port, 18181)
  .option('--twilio-port <port>', 'Twilio sandbox port', port, 18182)
  .option(
    '--worker-port <port>',
    'first worker /healthz + /readyz port (the second worker uses the next one)',
    port,
    18090,
  )
  .option('--metrics-port <port>', "first worker's Prometheus port (the second worker uses the next one)", port, 19464)
  .option('--codec-port <port>', 'codec server port for the Web UI (only with CNAM_CODEC_KEYS set)', port, 18888)
  .option('--approval-delay <ms>', 'milliseconds until the sandboxes approve', (v) => port(v), 5_000)
  .action(async (opts) => {
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const cluster = await startCluster({
      stateDir: opts.state,
      approvalDelayMs: opts.approvalDelay,
      apiToken: process.env.CNAM_API_TOKEN,
      ports: {
        postgres: opts.postgresPort,
        temporal: opts.temporalPort,
        ui: opts.uiPort,
        api: opts.apiPort,
        flowroute: opts.flowroutePort,
        twilio: opts.twilioPort,
        workerHealth: [opts.workerPort, opts.workerPort + 1],
        workerMetrics: [opts.metricsPort, opts.metricsPort + 1],
        codec: opts.codecPort,
      },
      say,
    });
    say('');
    say(`Temporal Web UI:  ${cluster.uiUrl}`);
    say(`HTTP API:         ${cluster.apiUrl}  (Authorization: Bearer ${cluster.apiToken})`);
    say(`Logs:             ${cluster.logDir}`);
    say('In another shell:');
    for (const [name, value] of Object.entries(cluster.clientEnv)) say(`  export ${name}=${value}`);
    say('  npx cnam provision flowroute --number +12065550102 --name "Pacific Dental" --wait --association-wait 30s');
    say('Ctrl-C (or SIGTERM) stops everything; the data stays for the next run.');
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    say('Stopping ...');
    await cluster.stop();
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
