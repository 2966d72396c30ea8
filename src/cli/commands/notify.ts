import type { Command } from 'commander';
import { NotifyFormat, NotifyOn } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatDeliveryTable, formatRuleTable } from '../format/notifications';
import { integerArg } from '../jobFlags';

interface NotifyFlags extends ConnectionFlags {
  json?: boolean;
  on?: string;
  project?: string;
  webhook?: string;
  format: string;
  limit: number;
}

export function registerNotify(program: Command, context: CliContext): void {
  const notify = program.command('notify').summary('webhook notifications: on failure, sweep done, worker offline, idle GPU, unrunnable jobs');

  const add = notify
    .command('add')
    .summary('post to a webhook when something happens')
    .requiredOption('--on <event>', NotifyOn.options.join(' | '))
    .option('--project <name>', "only this project's jobs (failure, sweep-done, idle-gpu)")
    .requiredOption('--webhook <url>', 'where to POST; for telegram: https://api.telegram.org/bot<token>/sendMessage?chat_id=<id>')
    .option('--format <format>', NotifyFormat.options.join(' | '), 'json')
    .option('--json', 'print the rule as JSON');
  addConnectionFlags(add);
  add.action(async (flags: NotifyFlags) => {
    const on = NotifyOn.safeParse(flags.on);
    if (!on.success) throw usageError(`--on ${flags.on}: one of ${NotifyOn.options.join(', ')}`);
    const format = NotifyFormat.safeParse(flags.format);
    if (!format.success) throw usageError(`--format ${flags.format}: one of ${NotifyFormat.options.join(', ')}`);
    const { client } = await connect(flags, context);
    const rule = await client.call('addNotifyRule', { body: { on: on.data, project: flags.project ?? null, webhook: flags.webhook as string, format: format.data } });
    if (flags.json) printJson(context, rule);
    else printLine(context.stdout, String(rule.id));
  });

  const ls = notify.command('ls', { isDefault: true }).summary('list rules (the default)').option('--json', 'print the rules as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: NotifyFlags) => {
    const { client } = await connect(flags, context);
    const rules = await client.call('listNotifyRules');
    if (flags.json) printJson(context, rules);
    else printLine(context.stdout, formatRuleTable(rules));
  });

  const rm = notify.command('rm').summary('remove a rule').argument('<id>', 'rule id', integerArg(1));
  addConnectionFlags(rm);
  rm.action(async (id: number, flags: NotifyFlags) => {
    const { client } = await connect(flags, context);
    await client.call('removeNotifyRule', { params: { id } });
    printLine(context.stdout, `rule ${id} removed`);
  });

  const log = notify
    .command('log')
    .summary('the delivery log, newest first: state, tries, last error')
    .option('--limit <n>', 'how many', integerArg(1, 1000), 50)
    .option('--json', 'print the deliveries as JSON');
  addConnectionFlags(log);
  log.action(async (flags: NotifyFlags) => {
    const { client } = await connect(flags, context);
    const deliveries = await client.call('notifyLog', { query: { limit: flags.limit } });
    if (flags.json) printJson(context, deliveries);
    else printLine(context.stdout, formatDeliveryTable(deliveries, context.now()));
  });
}
