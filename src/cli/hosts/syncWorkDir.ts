import { resolve } from 'node:path';
import type { GantryClient } from '../../shared';
import { printLine, type CliContext } from '../context';
import { usageError } from '../exitCodes';
import type { JobFields, JobFlags } from '../jobFlags';

/** A large directory over a slow link takes a while; far longer than a plain call. */
const SYNC_CALL_MS = 3_600_000;

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/**
 * `--sync DIR`: with --host, copies DIR to that host before anything is queued (the coordinator
 * does it over SSH, once per content) and points the jobs at the copy; without, the coordinator
 * packs DIR into its store once per content and the jobs take it as their `sync`, so whichever
 * worker runs one extracts it (once per worker) and runs it in a copy. DIR is a path on the
 * coordinator's machine, which is this one in the usual set-up.
 */
export async function syncedWorkDir(client: GantryClient, flags: Pick<JobFlags, 'sync' | 'host' | 'cwd'>, context: CliContext): Promise<Pick<JobFields, 'cwd' | 'cwd_machine' | 'sync'> | null> {
  if (flags.sync === undefined) return null;
  if (flags.cwd !== undefined) throw usageError('--sync and --cwd: a synced job runs in its copy of the directory; leave out --cwd');
  const dir = resolve(context.cwd, flags.sync);
  if (!flags.host) return packedWorkDir(client, dir, context);
  const result = await client.call('syncHost', { params: { name: flags.host }, body: { dir } }, SYNC_CALL_MS);
  const what = `${result.files} file${result.files === 1 ? '' : 's'}, ${megabytes(result.bytes)}`;
  printLine(context.stderr, result.uploaded ? `synced ${dir} to ${flags.host}:${result.path} (${what})` : `${dir} is already on ${flags.host} (${result.hash}, ${what})`);
  return { cwd: result.cwd, cwd_machine: null };
}

async function packedWorkDir(client: GantryClient, dir: string, context: CliContext): Promise<Pick<JobFields, 'cwd' | 'cwd_machine' | 'sync'>> {
  const result = await client.call('packWorkDir', { body: { dir } }, SYNC_CALL_MS);
  const what = `${result.files} file${result.files === 1 ? '' : 's'}, ${megabytes(result.bytes)}`;
  printLine(context.stderr, result.stored ? `packed ${dir} as ${result.sync} (${what})` : `${dir} is stored already as ${result.sync} (${what})`);
  return { sync: result.sync, cwd: null, cwd_machine: null };
}
