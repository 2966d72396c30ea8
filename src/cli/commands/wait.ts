import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { CliError, EXIT } from '../exitCodes';
import { collect, integerArg, positiveNumberArg } from '../jobFlags';
import { WaitProgress } from '../wait/progress';
import { isFinal, waitForJobs } from '../wait/waitForJobs';

interface WaitFlags extends ConnectionFlags {
  timeout?: number;
  json?: boolean;
}

export function registerWait(program: Command, context: CliContext): void {
  const command = program
    .command('wait')
    .summary('wait until jobs end; exit 0 if all succeeded, 1 if any did not, 124 on timeout')
    .argument('<id...>', 'job ids', collect(integerArg(1)))
    .option('--timeout <s>', 'give up after S seconds (exit 124)', positiveNumberArg)
    .option('--json', 'print {timed_out, jobs} as JSON at the end');
  addConnectionFlags(command);
  command.action(async (ids: number[], flags: WaitFlags) => {
    const { client } = await connect(flags, context);
    const progress = new WaitProgress(context.stderr, context.now(), context.now);
    const result = await waitForJobs(client, ids, {
      timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
      now: context.now,
      onUpdate: (jobs) => progress.update(jobs),
    });
    progress.finish();
    if (flags.json) printJson(context, { timed_out: result.timedOut, jobs: result.jobs });
    if (result.timedOut) {
      const open = result.jobs.filter((job) => !isFinal(job)).map((job) => job.id);
      throw new CliError(EXIT.waitTimeout, flags.json ? '' : `timed out; still open: ${open.join(' ')}`);
    }
    const unhappy = result.jobs.filter((job) => job.state !== 'succeeded');
    if (unhappy.length > 0) {
      if (!flags.json) printLine(context.stderr, unhappy.map((job) => `job ${job.id} ${job.state}`).join('\n'));
      throw new CliError(EXIT.jobFailed, '');
    }
    if (!flags.json) printLine(context.stdout, `all ${result.jobs.length} job${result.jobs.length === 1 ? '' : 's'} succeeded`);
  });
}

