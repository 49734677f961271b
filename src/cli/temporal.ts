/** The CLI's connection to Temporal, with a message that says what to do when it is not there. */
import type { Client, Connection } from '@temporalio/client';
import { loadTemporalEnv, type TemporalEnv } from '../config/env';
import { connectClient, temporalTarget } from '../temporal/connection';
import { CliError, ExitCode } from './output';

export interface CliTemporal {
  client: Client;
  connection: Connection;
  env: TemporalEnv;
  namespace: string;
  close(): Promise<void>;
}

export async function cliTemporal(): Promise<CliTemporal> {
  const env = loadTemporalEnv();
  try {
    const { client, connection, target } = await connectClient();
    return { client, connection, env, namespace: target.namespace, close: () => connection.close() };
  } catch (err) {
    const { address } = temporalTarget();
    throw new CliError(
      `Cannot reach Temporal at ${address} (${err instanceof Error ? err.message : String(err)}).\n` +
        'Start the embedded default with `npm run dev`, or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE.',
      ExitCode.Usage,
    );
  }
}
