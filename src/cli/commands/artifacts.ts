import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { downloadArtifact, uploadArtifact } from '../../agent';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { formatArtifactTable } from '../format/artifacts';
import { usageError } from '../exitCodes';
import { integerArg } from '../jobFlags';

interface LsFlags extends ConnectionFlags {
  json?: boolean;
}

interface GetFlags extends ConnectionFlags {
  output?: string;
  dir?: string;
}

interface PutFlags extends ConnectionFlags {
  name?: string;
}

const jobId = integerArg(1);

function registerLs(parent: Command, context: CliContext): void {
  const command = parent.command('ls').summary("list a job's artifacts: name, size, sha256").argument('<job>', 'job id', jobId).option('--json', 'print them as JSON');
  addConnectionFlags(command);
  command.action(async (job: number, flags: LsFlags) => {
    const { client } = await connect(flags, context);
    const artifacts = await client.call('listArtifacts', { params: { id: job } });
    if (flags.json) printJson(context, artifacts);
    else printLine(context.stdout, formatArtifactTable(artifacts));
  });
}

function registerGet(parent: Command, context: CliContext): void {
  const command = parent
    .command('get')
    .summary('download artifacts (all of them without names), checked against their sha256')
    .argument('<job>', 'job id', jobId)
    .argument('[names...]', 'artifact names (paths relative to the job directory)')
    .option('-o, --output <file>', 'where to write the one artifact named')
    .option('--dir <dir>', 'folder to download into, keeping the artifacts\' relative paths (default: here)');
  addConnectionFlags(command);
  command.action(async (job: number, names: string[], flags: GetFlags) => {
    const { client, connection } = await connect(flags, context);
    const wanted = names.length > 0 ? names : (await client.call('listArtifacts', { params: { id: job } })).map((a) => a.name);
    if (flags.output !== undefined && wanted.length !== 1) throw usageError('--output takes one artifact; name exactly one, or use --dir');
    const dir = resolve(context.cwd, flags.dir ?? '.');
    for (const name of wanted) {
      const dest = flags.output !== undefined ? resolve(context.cwd, flags.output) : flags.dir !== undefined ? join(dir, name) : join(dir, basename(name));
      const { size, sha256 } = await downloadArtifact({ baseUrl: connection.url, token: connection.token }, job, name, dest);
      printLine(context.stdout, `${name} → ${dest} (${size} bytes, sha256 ${sha256.slice(0, 16)})`);
    }
  });
}

function registerPut(parent: Command, context: CliContext): void {
  const command = parent
    .command('put')
    .summary('upload a file as an artifact of a job (resumes after a dropped connection)')
    .argument('<job>', 'job id', jobId)
    .argument('<file>', 'the file to upload')
    .option('--name <name>', 'its name among the job\'s artifacts (default: the file name)');
  addConnectionFlags(command);
  command.action(async (job: number, file: string, flags: PutFlags) => {
    const { connection } = await connect(flags, context);
    const artifact = await uploadArtifact({ baseUrl: connection.url, token: connection.token }, { jobId: job, path: resolve(context.cwd, file), name: flags.name ?? basename(file) });
    printLine(context.stdout, `${artifact.name}: ${artifact.size} bytes, sha256 ${artifact.sha256}`);
  });
}

function registerRm(parent: Command, context: CliContext): void {
  const command = parent.command('rm').summary('delete artifacts of a job').argument('<job>', 'job id', jobId).argument('<names...>', 'artifact names');
  addConnectionFlags(command);
  command.action(async (job: number, names: string[], flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    for (const name of names) {
      await client.call('removeArtifact', { params: { id: job, '*': name } });
      printLine(context.stdout, `job ${job}: ${name} deleted`);
    }
  });
}

export function registerArtifacts(program: Command, context: CliContext): void {
  const artifacts = program.command('artifacts').summary('files jobs produced: ls, get, put, rm');
  for (const register of [registerLs, registerGet, registerPut, registerRm]) register(artifacts, context);
}
