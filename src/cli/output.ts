/** How the CLI talks: human lines by default, one JSON document with --json; exit codes in one place. */

export const ExitCode = {
  Ok: 0,
  /** The thing asked for did not happen: invalid name, failed provisioning, unknown workflow. */
  Failed: 1,
  /** The command itself was wrong or the environment is not configured. */
  Usage: 2,
} as const;

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

export function warn(line: string): void {
  process.stderr.write(`${line}\n`);
}

let pipeWatched = false;

/** `cnam … | head` closes stdout early: end quietly (with the exit code so far) instead of dying with an EPIPE stack trace. */
export function endQuietlyWhenStdoutCloses(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok);
  });
}

/** An error the CLI reports as a sentence (no stack) with a given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Failed,
    readonly json?: unknown,
  ) {
    super(message);
  }
}
