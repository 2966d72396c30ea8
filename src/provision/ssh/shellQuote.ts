import { quoteArg } from '../../shared';

/**
 * The one way provision builds a remote command line: every word quoted. sshd hands the line to
 * the user's login shell, so no string of ours or of the user's may reach it unquoted.
 */
export function commandLine(argv: readonly string[]): string {
  if (argv.length === 0) throw new TypeError('a remote command needs at least one word');
  return argv.map(quoteArg).join(' ');
}

/**
 * Runs a fixed POSIX sh script with its inputs as positional parameters ("$1", "$2"…), so the
 * script text never contains a user's string and works whatever the login shell is.
 */
export function shScript(script: string, args: readonly string[] = []): string {
  return commandLine(['sh', '-c', script, 'sh', ...args]);
}
