import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { downloadFromPath } from '../../agent';
import { packDirectory } from '../artifacts/packDirectory';
import { uploadDataset } from '../artifacts/uploadDataset';
import { datasetNameFor } from '../../shared';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import { formatDataset, formatDatasetTable } from '../format/datasets';

interface JsonFlags extends ConnectionFlags {
  json?: boolean;
}

interface PutFlags extends JsonFlags {
  name?: string;
  description?: string;
}

interface GetFlags extends ConnectionFlags {
  output?: string;
}

function fileKind(path: string): 'file' | 'directory' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'file';
  } catch {
    throw usageError(`${path}: no such file or directory`);
  }
}

function registerReads(datasets: Command, context: CliContext): void {
  const ls = datasets.command('ls').summary('datasets with format, size and rows × columns or file count').option('--json', 'print JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const list = await client.call('listDatasets');
    if (flags.json) printJson(context, list);
    else printLine(context.stdout, formatDatasetTable(list));
  });

  const show = datasets.command('show').summary('one dataset: its file, format, shape and columns').argument('<name>').option('--json', 'print JSON');
  addConnectionFlags(show);
  show.action(async (name: string, flags: JsonFlags) => {
    const { client } = await connect(flags, context);
    const dataset = await client.call('getDataset', { params: { name } });
    if (flags.json) printJson(context, dataset);
    else printLine(context.stdout, formatDataset(dataset));
  });

  const get = datasets.command('get').summary("download a dataset's file, checked against its sha256").argument('<name>').option('-o, --output <file>', 'where to write it (default: its file name, here)');
  addConnectionFlags(get);
  get.action(async (name: string, flags: GetFlags) => {
    const { client, connection } = await connect(flags, context);
    const dataset = await client.call('getDataset', { params: { name } });
    const dest = resolve(context.cwd, flags.output ?? dataset.file_name);
    const { size } = await downloadFromPath({ baseUrl: connection.url, token: connection.token }, `/api/v1/datasets/${encodeURIComponent(dataset.name)}/file`, dest);
    printLine(context.stdout, `${dataset.name} → ${dest} (${size} bytes)`);
  });
}

function registerWrites(datasets: Command, context: CliContext): void {
  const put = datasets
    .command('put')
    .summary('upload a file (CSV, JSONL, Parquet, zip, tar, any) or a directory (packed as NAME.tar.gz) as a dataset')
    .argument('<path>', 'a file or a directory')
    .option('--name <name>', 'the dataset name (default: from the file name)')
    .option('--description <text>', 'what it is')
    .option('--json', 'print JSON');
  addConnectionFlags(put);
  put.action(async (path: string, flags: PutFlags) => {
    const absolute = resolve(context.cwd, path);
    const packed = fileKind(absolute) === 'directory' ? await packDirectory(absolute) : null;
    try {
      const { connection } = await connect(flags, context);
      const fileName = packed?.fileName ?? basename(absolute);
      const name = flags.name ?? datasetNameFor(fileName);
      const dataset = await uploadDataset({ baseUrl: connection.url, token: connection.token }, { path: packed?.path ?? absolute, name, fileName, description: flags.description });
      if (flags.json) printJson(context, dataset);
      else printLine(context.stdout, formatDataset(dataset));
    } finally {
      packed?.dispose();
    }
  });

  const rm = datasets.command('rm').summary('delete a dataset; its file goes once nothing refers to it (queued jobs keep their pinned inputs)').argument('<name>');
  addConnectionFlags(rm);
  rm.action(async (name: string, flags: ConnectionFlags) => {
    const { client } = await connect(flags, context);
    await client.call('deleteDataset', { params: { name } });
    printLine(context.stdout, `${name} deleted`);
  });
}

export function registerDatasets(program: Command, context: CliContext): void {
  const datasets = program.command('datasets').summary('uploaded files and directories with what Gantry read from them (rows, columns, files): ls, show, put, get, rm');
  registerReads(datasets, context);
  registerWrites(datasets, context);
}
