import type { Command } from 'commander';
import { JOB_STATES, type Job, type JobListQuery, type JobState } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatJobTable } from '../format/jobs';
import { collect, integerArg } from '../jobFlags';

interface LsFlags extends ConnectionFlags {
  project?: string;
  state?: string[];
  tag?: string;
  text?: string;
  limit?: number;
  all?: boolean;
  json?: boolean;
}

/** The server caps a page at 1000; --all walks the cursor. */
const PAGE_SIZE = 1000;

export function parseStates(values: string[]): JobState[] {
  const states = values.flatMap((value) => value.split(',')).filter(Boolean);
  for (const state of states) {
    if (!(JOB_STATES as readonly string[]).includes(state)) throw usageError(`--state ${state}: not a job state (${JOB_STATES.join(', ')})`);
  }
  return states as JobState[];
}

export function listQuery(flags: LsFlags): JobListQuery {
  const states = parseStates(flags.state ?? []);
  return {
    project: flags.project,
    state: states.length === 0 ? undefined : states,
    tag: flags.tag,
    text: flags.text,
    limit: flags.all ? PAGE_SIZE : (flags.limit ?? 50),
  };
}

export function registerLs(program: Command, context: CliContext): void {
  const command = program
    .command('ls')
    .summary('list jobs, newest first')
    .option('--project <name>', 'only this project')
    .option('--state <state>', `only these states, comma-separated or repeated (${JOB_STATES.join(', ')})`, collect((text: string) => text))
    .option('--tag <tag>', 'only jobs requiring this tag')
    .option('--text <text>', 'only jobs whose name or command contains this')
    .option('--limit <n>', 'at most N jobs (default 50)', integerArg(1))
    .option('--all', 'every matching job (pages through the API)')
    .option('--json', 'print {jobs, next_cursor} as JSON');
  addConnectionFlags(command);
  command.action(async (flags: LsFlags) => {
    const query = listQuery(flags);
    const { client } = await connect(flags, context);
    const jobs: Job[] = [];
    let cursor: string | undefined;
    let nextCursor: string | null;
    do {
      const page = await client.call('listJobs', { query: { ...query, cursor } });
      jobs.push(...page.jobs);
      nextCursor = page.next_cursor;
      cursor = nextCursor ?? undefined;
    } while (flags.all && cursor);
    if (flags.json) return printJson(context, { jobs, next_cursor: nextCursor });
    const workers = jobs.some((job) => job.worker_id) ? await client.call('listWorkers') : [];
    printLine(context.stdout, formatJobTable(jobs, context.now(), new Map(workers.map((w) => [w.id, w.name]))));
    if (nextCursor && !flags.all) printLine(context.stderr, `(more jobs: use --limit N or --all)`);
  });
}
