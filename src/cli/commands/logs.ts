import type { Command } from 'commander';
import { FINAL_STATES, type GantryClient, type Job } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printLine, writeBytes, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { integerArg } from '../jobFlags';
import { followLog } from '../logs/followLog';
import { followStream } from '../logs/followStream';
import { readLogRange } from '../logs/readLogRange';

interface LogsFlags extends ConnectionFlags {
  attempt?: number;
  follow?: boolean;
  stderr?: boolean;
}

/** How often `logs -f` looks again at a job that has not started. */
const START_POLL_MS = 1_000;

/** The attempt to show: the one asked for, else the job's latest; with -f, waits for a queued job to start. */
async function chooseAttempt(client: GantryClient, id: number, flags: LogsFlags, context: CliContext): Promise<number | null> {
  let job: Job = await client.call('getJob', { params: { id } });
  if (flags.attempt !== undefined) {
    if (flags.attempt > Math.max(job.attempt, 1)) throw usageError(`job ${id} has had ${job.attempt} attempt${job.attempt === 1 ? '' : 's'}, not ${flags.attempt}`);
    return flags.attempt;
  }
  if (job.attempt > 0) return job.attempt;
  if (!flags.follow || FINAL_STATES.includes(job.state)) {
    printLine(context.stderr, `job ${id} has no log: it never started (${job.state})`);
    return null;
  }
  printLine(context.stderr, `job ${id} is ${job.state}; waiting for it to start…`);
  while (job.attempt === 0) {
    if (FINAL_STATES.includes(job.state)) {
      printLine(context.stderr, `job ${id} ended ${job.state} without starting`);
      return null;
    }
    await new Promise((resolve) => setTimeout(resolve, START_POLL_MS));
    job = await client.call('getJob', { params: { id } });
  }
  return job.attempt;
}

/** After an attempt ended: the job's next attempt once it starts, or null when the job is done for good. */
async function nextAttempt(client: GantryClient, id: number, after: number): Promise<number | null> {
  for (;;) {
    const job = await client.call('getJob', { params: { id } });
    if (job.attempt > after) return job.attempt;
    if (FINAL_STATES.includes(job.state)) return null;
    await new Promise((resolve) => setTimeout(resolve, START_POLL_MS));
  }
}

export function registerLogs(program: Command, context: CliContext): void {
  const command = program
    .command('logs')
    .summary("print a job's output, byte for byte (colours and \\r progress bars intact)")
    .argument('<id>', 'job id', integerArg(1))
    .option('--attempt <n>', 'which attempt (default: the latest)', integerArg(1))
    .option('-f, --follow', 'keep printing as the job writes; without --attempt, goes on into retries until the job is done')
    .option('--stderr', "only what the job wrote to stderr (default: stdout and stderr interleaved, as the job wrote them)");
  addConnectionFlags(command);
  command.action(async (id: number, flags: LogsFlags) => {
    const { client, connection } = await connect(flags, context);
    const attempt = await chooseAttempt(client, id, flags, context);
    if (attempt === null) return;
    const write = (data: Uint8Array): Promise<void> => writeBytes(context.stdout, data);
    const stream = flags.stderr ? 'stderr' : undefined;
    if (!flags.follow) {
      await readLogRange(client, { jobId: id, attempt, offset: 0, stream }, write);
      return;
    }
    for (let current: number | null = attempt; current !== null; ) {
      if (stream) await followStream(client, { jobId: id, attempt: current, stream }, write);
      else await followInterleaved(current);
      if (flags.attempt !== undefined) return;
      const ended = current;
      current = await nextAttempt(client, id, ended);
      if (current !== null) printLine(context.stderr, `── job ${id}: attempt ${ended} ended; following attempt ${current} ──`);
    }

    async function followInterleaved(current: number): Promise<void> {
      const end = await followLog(
        { url: connection.url, token: connection.token, jobId: id, attempt: current, offset: 0 },
        { write, notice: (message) => printLine(context.stderr, message), now: context.now },
      );
      // log_end can race the last chunk on a reconnect; the REST range read fills the gap.
      if (end.offset < end.size) await readLogRange(client, { jobId: id, attempt: current, offset: end.offset }, write);
    }
  });
}
