import type { Command } from 'commander';
import { ApiError, type GantryClient } from '../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from './connection';
import { printLine, type CliContext } from './context';
import { CliError, EXIT } from './exitCodes';
import { collect, integerArg } from './jobFlags';

/**
 * Runs one API call per id in order and keeps going past refusals, so `gantry cancel 1 2 3`
 * cancels what it can; afterwards a refusal anywhere exits 3. Other failures stop at once.
 */
export async function applyToJobs(ids: number[], context: CliContext, action: (id: number) => Promise<string>): Promise<void> {
  let refused = 0;
  for (const id of ids) {
    try {
      printLine(context.stdout, await action(id));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500) throw error;
      refused += 1;
      printLine(context.stderr, `error: job ${id}: ${error.message}`);
    }
  }
  if (refused > 0) throw new CliError(EXIT.apiRefused, '');
}

/** Registers a `<verb> <id...>` command that applies one call to each job (cancel, retry, rm). */
export function registerJobAction(
  program: Command,
  context: CliContext,
  spec: { name: string; summary: string; act: (client: GantryClient, id: number) => Promise<string> },
): void {
  const command = program.command(spec.name).summary(spec.summary).argument('<id...>', 'job ids', collect(integerArg(1)));
  addConnectionFlags(command);
  command.action(async (ids: number[], flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    await applyToJobs(ids, context, (id) => spec.act(client, id));
  });
}
