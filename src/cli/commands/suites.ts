import { InvalidArgumentError, type Command } from 'commander';
import type { SuiteHook } from '../../shared';
import { resolveLocalInputs } from '../artifacts/localInputs';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, writeBytes, type CliContext } from '../context';
import { formatSuite, formatSuiteTable } from '../format/suites';
import { integerArg, priorityArg } from '../jobFlags';

interface SuiteFlags extends ConnectionFlags {
  json?: boolean;
  project?: string;
  setup?: string;
  cleanup?: string;
  tag?: string[];
  label?: Array<[string, string]>;
  input?: string[];
  hookTimeout?: number;
  priority?: number;
  idleClose?: number;
  all?: boolean;
  log?: number;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `--label k=v`: the key is what precedes the first `=`, so values may hold `=` themselves. */
function labelArg(text: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const at = text.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got "${text}"`);
  return [...previous, [text.slice(0, at), text.slice(at + 1)]];
}

/** A hook given on the command line is a shell string: setups are usually `pip install … && …`. */
function hookFrom(command: string | undefined, timeoutS: number | undefined): SuiteHook | null {
  if (command === undefined) return null;
  return { command: { shell: command }, timeout_s: timeoutS ?? 600, env: {} };
}

/** `gantry suite create NAME …` makes a suite; `gantry suites ls|show|close` look after them. */
export function registerSuites(program: Command, context: CliContext): void {
  const suite = program.command('suite').summary('create a suite: jobs sharing an environment set up once per worker');
  const create = suite
    .command('create')
    .summary('create a suite; submit to it with `gantry submit --suite NAME`')
    .argument('<name>', 'suite name')
    .option('--setup <cmd>', 'shell command run once on each worker before its first job of the suite')
    .option('--cleanup <cmd>', "shell command run on each worker after its last job of the suite")
    .option('--tag <tag>', 'only workers with this tag serve the suite (repeatable)', collect)
    .option('--input <name>', "stage JOB:PATH, model:NAME[@VERSION], dataset:NAME or a local file or directory (uploaded as a dataset) into the suite's directory on each worker before its setup; a zip or tar is extracted (repeatable)", collect)
    .option('--label <k=v>', 'a label for your own bookkeeping, shown by `suites show` (repeatable; a key given twice keeps the last)', labelArg)
    .option('--hook-timeout <s>', 'seconds each hook may run (default 600)', integerArg(1))
    .option('--priority <n>', "priority of the suite's jobs that give none", priorityArg)
    .option('--idle-close <s>', 'close after S seconds with no new jobs and nothing queued or running (default 180)', integerArg(1))
    .option('--project <name>', 'project (default: "default")')
    .option('--json', 'print the suite as JSON');
  addConnectionFlags(create);
  create.action(async (name: string, flags: SuiteFlags) => {
    const { client, connection } = await connect(flags, context);
    const inputs = flags.input?.length ? await resolveLocalInputs(flags.input, context.cwd, client, connection, (line) => printLine(context.stderr, line)) : [];
    const created = await client.call('createSuite', {
      body: {
        name,
        project: flags.project,
        tags: flags.tag ?? [],
        labels: Object.fromEntries(flags.label ?? []),
        priority: flags.priority,
        setup: hookFrom(flags.setup, flags.hookTimeout),
        cleanup: hookFrom(flags.cleanup, flags.hookTimeout),
        idle_close_s: flags.idleClose ?? null,
        inputs,
      },
    });
    if (flags.json) printJson(context, created);
    else printLine(context.stdout, `suite ${created.id} ${created.name} created`);
  });

  const suites = program.command('suites').summary('list, show and close suites');
  const ls = suites.command('ls', { isDefault: true }).summary('list suites, open first (the default)').option('--all', 'closed ones too').option('--json', 'print the suites as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: SuiteFlags) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listSuites', { query: flags.all ? {} : { state: 'open' } });
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatSuiteTable(list, context.now()));
  });

  const show = suites
    .command('show')
    .summary("a suite's counters, its workers and its hook runs")
    .argument('<suite>', 'suite id or name')
    .option('--log <run>', "print a hook run's output", integerArg(1))
    .option('--json', 'print the suite as JSON');
  addConnectionFlags(show);
  show.action(async (ref: string, flags: SuiteFlags) => {
    const { client } = await connect(flags, context);
    if (flags.log !== undefined) {
      const response = await client.request('readHookLog', { params: { suite: ref, run: flags.log } });
      await writeBytes(context.stdout, new Uint8Array(await response.arrayBuffer()));
      return;
    }
    const found = await client.call('getSuite', { params: { suite: ref } });
    const runs = await client.call('listHookRuns', { params: { suite: String(found.id) } });
    if (flags.json) printJson(context, { ...found, hook_runs: runs });
    else printLine(context.stdout, formatSuite(found, runs, context.now()));
  });

  const close = suites
    .command('close')
    .summary('close a suite: no new jobs, those not yet started are cancelled, running ones finish; workers then clean up')
    .argument('<suite>', 'suite id or name')
    .option('--json', 'print the suite as JSON, with cancelled_jobs');
  addConnectionFlags(close);
  close.action(async (ref: string, flags: SuiteFlags) => {
    const { client } = await connect(flags, context);
    const closed = await client.call('closeSuite', { params: { suite: ref } });
    if (flags.json) printJson(context, closed);
    else printLine(context.stdout, `suite ${closed.id} ${closed.name} closed; ${closed.cancelled_jobs} ${closed.cancelled_jobs === 1 ? 'job' : 'jobs'} not yet started cancelled`);
  });
}
