/** Connections to Temporal from the same settings the Temporal CLI reads (env vars or a TOML profile). */
import { Client, Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { NativeConnection } from '@temporalio/worker';
import { DEFAULT_NAMESPACE, DEFAULT_TEMPORAL_ADDRESS } from '../config/constants';
import { ConfigError } from '../config/env';
import { clientTracingInterceptors } from '../telemetry/tracing';
import { dataConverterFromEnv } from './data-converter';

/** Temporal did not answer at the configured address: a configuration problem (exit 2), said plainly. */
export class TemporalUnreachableError extends ConfigError {
  constructor(address: string, cause: unknown) {
    super(
      `Cannot reach Temporal at ${address} (${plainReason(cause)}).\n` +
        'Start the embedded default with `npm run dev`, or set TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE.',
      { cause },
    );
  }
}

/** The native bridge reports e.g. `tonic::transport::Error(... ConnectionRefused ...)`: say it in words. */
function plainReason(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  if (/connection ?refused/i.test(text)) return 'connection refused';
  if (/deadline|timed? ?out/i.test(text)) return 'no answer in time';
  if (/dns|resolve|lookup|name or service/i.test(text)) return 'the host name does not resolve';
  return text.split('\n')[0]!.slice(0, 200);
}

async function reach<T>(address: string, connect: () => Promise<T>): Promise<T> {
  try {
    return await connect();
  } catch (err) {
    throw new TemporalUnreachableError(address, err);
  }
}

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
  const connection = await reach(options.address, () =>
    Connection.connect({ ...options, tls: options.tls ?? undefined, apiKey: options.apiKey }),
  );
  return { client: createClient(connection, namespace), connection, target: { address: options.address, namespace } };
}

/** A client with the process's payload codec and tracing interceptors (both off unless configured). */
export function createClient(connection: Connection, namespace: string): Client {
  const dataConverter = dataConverterFromEnv();
  const interceptors = clientTracingInterceptors();
  return new Client({
    connection,
    namespace,
    ...(dataConverter && { dataConverter }),
    ...(interceptors && { interceptors }),
  });
}

/** A native connection for a worker. */
export async function connectWorker(): Promise<{ connection: NativeConnection; target: TemporalTarget }> {
  const { options, namespace } = connectConfig();
  // Loaded here, not at the top: the worker package starts the native bridge, which CLI clients must not pay for.
  const { NativeConnection } = await import('@temporalio/worker');
  return {
    connection: await reach(options.address, () => NativeConnection.connect(options)),
    target: { address: options.address, namespace },
  };
}
