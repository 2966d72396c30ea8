import type { Command } from '../../shared';

const SAFE = /^[\w@%+=:,./-]+$/;

/** Quotes one argument so a POSIX shell reads it back unchanged; for display and copy-paste only. */
export function quoteArg(arg: string): string {
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A job's command as one line a user could paste into a shell. */
export function formatCommand(command: Command): string {
  if (Array.isArray(command)) return command.map(quoteArg).join(' ');
  return `sh -c ${quoteArg(command.shell)}`;
}
