/** The CLI's connection to Temporal, with a message that says what to do when it is not there. */
import type { Client, Connection } from '@temporalio/client';
import { loadTemporalEnv, type TemporalEnv } from '../config/env';
import { connectClient, TemporalUnreachableError } from '../temporal/connection';
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
    if (err instanceof TemporalUnreachableError) throw new CliError(err.message, ExitCode.Usage);
    throw err;
  }
}
