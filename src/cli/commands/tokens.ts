import type { Command } from 'commander';
import { TokenScope } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatTokenTable } from '../format/tokens';
import { integerArg } from '../jobFlags';

type JsonFlags = ConnectionFlags & { json?: boolean };
interface CreateFlags extends JsonFlags {
  scope: string;
  name: string;
  job?: number;
  project?: string;
}

export function registerTokens(program: Command, context: CliContext): void {
  const tokens = program.command('tokens').summary('list, create and revoke API tokens');

  const ls = tokens.command('ls', { isDefault: true }).summary('list tokens (never the secrets; the default)').option('--json', 'print the tokens as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listTokens');
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatTokenTable(list, context.now()));
  });

  const create = tokens
    .command('create')
    .summary('create a token; its secret is printed once')
    .requiredOption('--scope <scope>', `one of ${TokenScope.options.join(', ')}`)
    .requiredOption('--name <name>', 'what the token is for')
    .option('--job <id>', 'the job a job-scoped token may touch', integerArg(1))
    .option('--project <name>', 'admin and read tokens: reach only this project (e.g. for a coding agent through gantry mcp)')
    .option('--json', 'print {token, record} as JSON');
  addConnectionFlags(create);
  create.action(async (flags: CreateFlags) => {
    const scope = TokenScope.safeParse(flags.scope);
    if (!scope.success) throw usageError(`--scope ${flags.scope}: one of ${TokenScope.options.join(', ')}`);
    if (scope.data === 'job' && flags.job === undefined) throw usageError('--scope job needs --job ID');
    const { client } = await connect(flags, context);
    const created = await client.call('createToken', { body: { name: flags.name, scope: scope.data, job_id: flags.job ?? null, project: flags.project ?? null } });
    if (flags.json) return printJson(context, created);
    printLine(context.stdout, created.token);
    printLine(context.stderr, `token ${created.record.id} (${created.record.scope}) created; the secret above is not shown again`);
  });

  const revoke = tokens.command('revoke').summary('revoke a token').argument('<id>', 'token id', integerArg(1));
  addConnectionFlags(revoke);
  revoke.action(async (id: number, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const record = await client.call('revokeToken', { params: { id } });
    printLine(context.stdout, `token ${record.id} (${record.name}): revoked`);
  });
}
