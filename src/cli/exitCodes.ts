/** Exit codes scripts can rely on; `gantry --help` prints the same table. */
export const EXIT = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  apiRefused: 3,
  unreachable: 4,
  waitTimeout: 124,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODES_HELP = `Exit codes:
  0    ok
  1    a job failed, was cancelled or is blocked (gantry wait)
  2    usage error (bad flag, bad --param, bad template)
  3    the API refused the request (4xx: unknown job, invalid field, bad token)
  4    cannot reach the coordinator (not running, wrong URL, or it answered 5xx)
  124  gantry wait timed out`;

/** A failure the CLI reports with its own exit code; an empty message prints nothing. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(EXIT.usage, message);
}
