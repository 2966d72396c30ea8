import type { Command } from '../schemas/jobs';

const SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes one argument so a POSIX shell reads it back unchanged; for display and copy-paste only. */
export function quoteArg(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one line a user could paste into a shell. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/** A job's command as one line a user could paste into a shell: a shell string shows as `sh -c '…'`. */
export function formatCommand(command: Command): string {
  if (Array.isArray(command)) return quoteArgv(command);
  return `sh -c ${quoteArg(command.shell)}`;
}
