import { resolve } from 'node:path';
import type { Command } from 'commander';
import { downloadFromPath } from '../../agent';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatModel, formatModelTable } from '../format/models';
import { collect, integerArg } from '../jobFlags';

interface JsonFlags extends ConnectionFlags {
  json?: boolean;
}

interface RegisterFlags extends JsonFlags {
  job: number;
  artifact: string;
  meta?: string[];
}

interface GetFlags extends ConnectionFlags {
  output?: string;
}

/** `name` or `name@3`. */
function parseModelRef(text: string): { name: string; version?: number } {
  const at = text.lastIndexOf('@');
  if (at < 0) return { name: text };
  const version = Number(text.slice(at + 1));
  if (!Number.isSafeInteger(version) || version < 1) throw usageError(`${text}: the version after @ is a whole number, 1 or more`);
  return { name: text.slice(0, at), version };
}

/** `key=value`; numbers and true/false are kept as such. */
function parseMeta(pair: string): [string, string | number | boolean] {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw usageError(`--meta ${pair}: expected KEY=VALUE`);
  const raw = pair.slice(eq + 1);
  const value = raw === 'true' ? true : raw === 'false' ? false : raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  return [pair.slice(0, eq), value];
}

function registerCommands(models: Command, context: CliContext): void {
  const ls = models.command('ls').summary('models and their versions').argument('[name]', 'one model only').option('--json', 'print JSON');
  addConnectionFlags(ls);
  ls.action(async (name: string | undefined, flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const list = name === undefined ? await client.call('listModels') : await client.call('modelVersions', { params: { name } });
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatModelTable(list));
  });

  const show = models.command('show').summary('one model version (the newest without @VERSION)').argument('<model>', 'NAME or NAME@VERSION').option('--json', 'print JSON');
  addConnectionFlags(show);
  show.action(async (ref: string, flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const { name, version } = parseModelRef(ref);
    const model = version === undefined ? (await client.call('modelVersions', { params: { name } }))[0] : await client.call('getModel', { params: { name, version } });
    if (flags.json) printJson(context, model);
    else printLine(context.stdout, formatModel(model));
  });

  const register = models
    .command('register')
    .summary("register a job's artifact as the next version of a model (with the job's params and final metrics)")
    .argument('<name>', 'model name')
    .requiredOption('--job <id>', 'the job that produced it', integerArg(1))
    .requiredOption('--artifact <name>', "the artifact's name in that job")
    .option('--meta <key=value>', 'metadata (repeatable)', collect((text: string) => text))
    .option('--json', 'print JSON');
  addConnectionFlags(register);
  register.action(async (name: string, flags: RegisterFlags) => {
    const { client } = await connect(flags, context);
    const metadata = Object.fromEntries((flags.meta ?? []).map(parseMeta));
    const model = await client.call('registerModel', { body: { name, job_id: flags.job, artifact: flags.artifact, metadata } });
    if (flags.json) printJson(context, model);
    else printLine(context.stdout, `${model.name} version ${model.version} registered from job ${model.job_id} (${model.artifact})`);
  });

  const get = models.command('get').summary('download a model version, checked against its sha256').argument('<model>', 'NAME or NAME@VERSION').option('-o, --output <file>', 'where to write it (default: the artifact file name, here)');
  addConnectionFlags(get);
  get.action(async (ref: string, flags: GetFlags) => {
    const { client, connection } = await connect(flags, context);
    const { name, version } = parseModelRef(ref);
    const model = version === undefined ? (await client.call('modelVersions', { params: { name } }))[0] : await client.call('getModel', { params: { name, version } });
    const dest = resolve(context.cwd, flags.output ?? model.artifact.split('/').pop() ?? name);
    const path = `/api/v1/models/${encodeURIComponent(model.name)}/versions/${model.version}/file`;
    const { size } = await downloadFromPath({ baseUrl: connection.url, token: connection.token }, path, dest);
    printLine(context.stdout, `${model.name}@${model.version} → ${dest} (${size} bytes)`);
  });

  const rm = models.command('rm').summary('delete a model (every version) or one version; files go once nothing refers to them').argument('<model>', 'NAME or NAME@VERSION');
  addConnectionFlags(rm);
  rm.action(async (ref: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    const { name, version } = parseModelRef(ref);
    const { removed } = version === undefined ? await client.call('deleteModel', { params: { name } }) : await client.call('deleteModelVersion', { params: { name, version } });
    printLine(context.stdout, `${name}: ${removed} version${removed === 1 ? '' : 's'} deleted`);
  });
}

export function registerModels(program: Command, context: CliContext): void {
  registerCommands(program.command('models').summary('named, versioned models registered from artifacts: ls, show, register, get, rm'), context);
}
