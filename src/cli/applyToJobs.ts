import { ApiError } from '../shared';
import { printLine, type CliContext } from './context';
import { CliError, EXIT } from './exitCodes';

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
