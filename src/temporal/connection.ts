/** Connections to Temporal from the same settings the Temporal CLI reads (env vars or a TOML profile). */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';
import { DEFAULT_NAMESPACE, DEFAULT_TEMPORAL_ADDRESS } from '../config/constants';

export interface TemporalTarget {
  address: string;
  namespace: string;
}

function connectConfig() {
  const config = loadClientConnectConfig();
  const address = config.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS;
  return { options: { ...config.connectionOptions, address }, namespace: config.namespace ?? DEFAULT_NAMESPACE };
}

export function temporalTarget(): TemporalTarget {
  const { options, namespace } = connectConfig();
  return { address: options.address, namespace };
}

/** A client for starting and following workflows. */
export async function connectClient(): Promise<{ client: Client; connection: Connection; target: TemporalTarget }> {
  const { options, namespace } = connectConfig();
  const connection = await Connection.connect({ ...options, tls: options.tls ?? undefined, apiKey: options.apiKey });
  return { client: new Client({ connection, namespace }), connection, target: { address: options.address, namespace } };
}

/** A native connection for a worker. */
export async function connectWorker(): Promise<{ connection: NativeConnection; target: TemporalTarget }> {
  const { options, namespace } = connectConfig();
  return { connection: await NativeConnection.connect(options), target: { address: options.address, namespace } };
}
