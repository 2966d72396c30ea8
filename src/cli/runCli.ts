import { printLine, type CliContext } from './context';
import { describeFailure } from './failure';
import { createProgram } from './program';

/** Parses argv (without node and the script), runs the command, and returns the exit code. */
export async function runCli(argv: string[], context: CliContext, version = '0.0.0'): Promise<number> {
  const program = createProgram(context, version);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    const failure = describeFailure(error);
    if (failure.message) printLine(context.stderr, failure.message);
    return failure.exitCode;
  }
}
