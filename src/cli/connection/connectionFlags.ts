import type { Command } from 'commander';
import type { GantryClient } from '../../shared';
import type { CliContext } from '../context';
import { clientFor } from './connect';
import { resolveConnection, type Connection, type ConnectionFlags } from './resolveConnection';

/** Every command that talks to a coordinator takes the same three flags. */
export function addConnectionFlags(command: Command): Command {
  return command
    .option('--url <url>', 'coordinator URL (default: $GANTRY_URL, else the running `gantry serve`)')
    .option('--token <token>', 'API token (default: $GANTRY_TOKEN, else the admin token in the data dir)')
    .option('--data-dir <dir>', 'where `gantry serve` keeps server.json and admin-token');
}

export async function connect(flags: ConnectionFlags, context: CliContext): Promise<{ client: GantryClient; connection: Connection }> {
  const connection = await resolveConnection(flags, context.env, context.homeDir);
  return { client: clientFor(connection), connection };
}
