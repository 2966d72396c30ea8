import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import type { Job } from '../../shared';
import { CliError, EXIT } from '../exitCodes';
import { collect, integerArg, positiveNumberArg } from '../jobFlags';
import { formatIdRanges } from '../format/idRanges';
import { escapeControl } from '../format/terminalText';
import { WaitProgress } from '../wait/progress';
import { describeUnrunnable, findUnrunnable } from '../wait/unrunnable';
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
    // `wait 5 5` waits for one job, and counts it once.
    const result = await waitForJobs(client, [...new Set(ids)], {
      timeoutMs: flags.timeout === undefined ? undefined : flags.timeout * 1000,
      now: context.now,
      onFirstPoll: async (jobs) => {
        for (const group of await findUnrunnable(client, jobs)) progress.note(escapeControl(describeUnrunnable(group)));
      },
      onUpdate: (jobs) => progress.update(jobs),
    });
    progress.finish();
    if (flags.json) printJson(context, { timed_out: result.timedOut, jobs: result.jobs });
    if (result.timedOut) {
      const open = result.jobs.filter((job) => !isFinal(job)).map((job) => job.id);
      throw new CliError(EXIT.waitTimeout, flags.json ? '' : `timed out; still open: ${formatIdRanges(open)}`);
    }
    const unhappy = result.jobs.filter((job) => job.state !== 'succeeded');
    if (unhappy.length > 0) {
      if (!flags.json) printLine(context.stderr, summarizeUnhappy(unhappy));
      throw new CliError(EXIT.jobFailed, '');
    }
    if (!flags.json) printLine(context.stdout, `all ${result.jobs.length} job${result.jobs.length === 1 ? '' : 's'} succeeded`);
  });
}


/** `jobs 3-7 failed`, one line per state, so a failed 10k sweep does not print 10k lines. */
function summarizeUnhappy(jobs: readonly Job[]): string {
  const byState = new Map<string, number[]>();
  for (const job of jobs) byState.set(job.state, [...(byState.get(job.state) ?? []), job.id]);
  return [...byState].map(([state, ids]) => `job${ids.length === 1 ? '' : 's'} ${formatIdRanges(ids)} ${state}`).join('\n');
}
