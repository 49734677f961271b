/**
 * Debian's PostgreSQL on a project-local data directory and port, for `npm run cluster`: initdb on first
 * use, `pg_ctl start` / `stop`. PostgreSQL refuses to run as root, so as root it runs as the `postgres`
 * user the Debian package creates (scripts/install-cluster.sh installs the package where missing).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

export interface PostgresOptions {
  /** The cluster's data directory (created with initdb when empty). */
  dataDir: string;
  port: number;
  /** The superuser initdb creates, which Temporal's schema tool and server use. */
  user: string;
  password: string;
  /** pg_ctl's server log. */
  logFile: string;
}

export interface RunningPostgres {
  host: string;
  port: number;
  stop(): void;
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const dir = join(root, version, 'bin');
    if (existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error(
    "PostgreSQL's server is not installed: run `bash scripts/install-cluster.sh` (it installs Debian's postgresql).",
  );
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL program, as the `postgres` user when we are root. */
function pg(program: string, args: string[]): void {
  const path = join(binDir(), program);
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
}

/**
 * As root, the `postgres` user must reach the data directory: a folder made by mktemp (mode 700) on the
 * way would stop it. Such folders get search permission only (o+x: no listing, no reading).
 */
function letPostgresReach(dir: string): void {
  if (!asRoot) return;
  const changed: string[] = [];
  for (let d = dir; d !== parse(d).root; d = dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) {
      chmodSync(d, mode | 0o001);
      changed.push(d);
    }
  }
  if (changed.length > 0)
    process.stdout.write(
      `PostgreSQL runs as user postgres: gave it search permission (o+x) on ${changed.join(', ')}\n`,
    );
}

/** Starts PostgreSQL (initdb first when the data directory is new) and returns once it accepts connections. */
export function startPostgres(options: PostgresOptions): RunningPostgres {
  const { dataDir, port, user, password, logFile } = options;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(logFile), { recursive: true });
  letPostgresReach(dirname(dataDir));
  if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', dataDir, dirname(logFile)]);
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    const pwfile = join(dataDir, '..', '.pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (asRoot) execFileSync('chown', ['postgres:postgres', pwfile]);
    try {
      pg('initdb', ['-D', dataDir, '-U', user, `--pwfile=${pwfile}`, '--auth-host=scram-sha-256', '--auth-local=peer']);
    } finally {
      spawnSync('rm', ['-f', pwfile]);
    }
  }
  accessSync(join(dataDir, 'PG_VERSION'), constants.R_OK);
  // TCP on loopback only, no Unix socket: nothing but this project's processes reach it.
  const serverOptions = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories='' -c max_connections=200`;
  pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  };
  // pg_ctl leaves the server running on its own: a process that exits without stop() must not leave it behind.
  process.once('exit', stop);
  return { host: '127.0.0.1', port, stop };
}
