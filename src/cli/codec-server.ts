/**
 * `cnam codec-server`: decodes (and encodes) encrypted payloads for the Temporal Web UI and CLI with
 * the keys in CNAM_CODEC_KEYS. Point the UI at it with `temporal server start-dev --ui-codec-endpoint`
 * (or the UI's Codec Server setting), the CLI with `temporal workflow show --codec-endpoint`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_TEMPORAL_UI_URL } from '../config/constants';
import { CliError, ExitCode } from './output';

const DEFAULT_PORT = 8888;
const DEFAULT_HOST = '127.0.0.1';
/** The dev server's Web UI, by either name a browser may use for it. */
const UI = new URL(DEFAULT_TEMPORAL_UI_URL);
const DEFAULT_UI_ORIGINS = [UI.origin, `${UI.protocol}//127.0.0.1:${UI.port}`];

/** `--cors-origin a --cors-origin b,c` → [a, b, c]. */
function collectOrigins(value: string, previous: string[] | undefined): string[] {
  const origins = value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new InvalidArgumentError(`not an origin like ${UI.origin}`);
    }
    if (parsed.origin !== origin) throw new InvalidArgumentError(`an origin has no path, e.g. ${parsed.origin}`);
  }
  return [...(previous ?? []), ...origins];
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('must be a port number, 0-65535');
  return port;
}

async function run(options: { port: number; host: string; corsOrigin?: string[] }): Promise<void> {
  const [{ codecFromEnv }, { startCodecServer }, { createLogger }] = await Promise.all([
    import('../temporal/data-converter'),
    import('../temporal/codec-server'),
    import('../logging'),
  ]);
  const codec = codecFromEnv();
  if (!codec)
    throw new CliError(
      'CNAM_CODEC_KEYS is not set: the codec server needs the keys the worker encrypts with ' +
        '(keyId:base64key[,keyId:base64key…], the first encrypts; see README).',
      ExitCode.Usage,
    );
  const token = process.env.CNAM_CODEC_SERVER_TOKEN?.trim() || undefined;
  if (token !== undefined && token.length < 16)
    throw new CliError('CNAM_CODEC_SERVER_TOKEN must be at least 16 characters', ExitCode.Usage);
  const corsOrigins = options.corsOrigin ?? DEFAULT_UI_ORIGINS;
  const logger = createLogger('cnam-codec-server');
  const server = await startCodecServer({ port: options.port, host: options.host, codec, corsOrigins, token, logger });
  logger.info(
    { url: server.url, keyIds: codec.keyIds, encryptsWith: codec.encryptingKeyId, corsOrigins, auth: !!token },
    `codec server listening on ${server.url}`,
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'codec server stopping');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
}

export function codecServerCommand(): Command {
  return new Command('codec-server')
    .description('Serve /encode and /decode of encrypted payloads for the Temporal Web UI (keys from CNAM_CODEC_KEYS)')
    .addOption(new Option('--port <port>', 'port to listen on').default(DEFAULT_PORT).argParser(parsePort))
    .option('--host <host>', 'address to listen on', DEFAULT_HOST)
    .addOption(
      new Option(
        '--cors-origin <origin>',
        `an origin whose pages may call it, repeatable or comma-separated (default: ${DEFAULT_UI_ORIGINS.join(', ')})`,
      ).argParser(collectOrigins),
    )
    .addHelpText(
      'after',
      '\nEnvironment: CNAM_CODEC_KEYS (required: keyId:base64key[,…], the first encrypts, all decrypt),\n' +
        'CNAM_CODEC_SERVER_TOKEN (optional: requests then need Authorization: Bearer <token>).\n' +
        'Example:\n  temporal server start-dev --ui-codec-endpoint http://127.0.0.1:8888\n  cnam codec-server\n' +
        'Exit code 2 when CNAM_CODEC_KEYS is unset or malformed.',
    )
    .action(run);
}
