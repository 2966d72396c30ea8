import type { Client } from 'ssh2';
import type { PilotStatus } from '../../core';
import { RemoteCommandError } from '../errors';
import { execRemote, runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';

/** squeue's output, one array task a line: `ID|STATE|REASON`. */
const SQUEUE_FORMAT = '%i|%T|%r';

/** Parses `squeue -h -r -o '%i|%T|%r'`; exported for tests with recorded output. */
export function parseSqueue(text: string): PilotStatus[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [id, state, reason] = line.split('|');
      return { slurm_job_id: id, state, reason: !reason || reason === 'None' || reason === '(null)' ? null : reason };
    });
}

/** The array tasks of the jobs named `jobName`, as squeue shows them (pending arrays expanded). */
export async function squeueByName(client: Client, jobName: string): Promise<PilotStatus[]> {
  return parseSqueue(await runRemote(client, shScript('squeue -h -r --name="$1" -o "$2"', [jobName, SQUEUE_FORMAT]), 'squeue'));
}

/**
 * Submits a batch script given on stdin: not on a command line (where ps would show the job's
 * environment, and a big array's script would pass the kernel's limit on one argument), and not
 * in a file first. Returns the job id.
 */
export async function sbatch(client: Client, script: string): Promise<string> {
  const out = await runRemote(client, shScript('exec sbatch --parsable'), 'sbatch', undefined, script);
  const id = out.trim().split(';')[0];
  if (!/^\d+$/.test(id)) throw new RemoteCommandError(`sbatch answered ${JSON.stringify(out.trim())}, not a job id`);
  return id;
}

export async function scancel(client: Client, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await runRemote(client, shScript('scancel "$@"', ids), 'scancel');
}

export async function scancelByName(client: Client, jobName: string): Promise<void> {
  await runRemote(client, shScript('scancel --name="$1"', [jobName]), 'scancel');
}

/** How a Slurm job ended, as Slurm's accounting (or slurmctld, while it still holds the job) tells it. */
export interface SlurmEnd {
  /** `ID`, or `ARRAYID_INDEX` for an array task. */
  slurm_job_id: string;
  /** COMPLETED, FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, NODE_FAIL, PREEMPTED…; first word only (`CANCELLED by 0`). */
  state: string;
  /** The exit code of the batch script; null when a signal ended it. */
  exit_code: number | null;
  signal: number | null;
}

/** States a job leaves squeue in; others (RUNNING, COMPLETING, REQUEUED…) mean it is not over yet. */
export const ENDED_STATES = new Set(['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE']);

/** Slurm's `EXIT:SIGNAL`. */
function exitStatus(text: string): { exit_code: number | null; signal: number | null } {
  const [code, signal] = text.split(':').map(Number);
  if (Number.isInteger(signal) && signal > 0) return { exit_code: null, signal };
  return { exit_code: Number.isInteger(code) ? code : null, signal: null };
}

/** Parses `sacct -X -n -P -o JobID,State,ExitCode`; rows of jobs not yet over are left out. Exported for tests with recorded output. */
export function parseSacct(text: string): SlurmEnd[] {
  return text
    .split('\n')
    .map((line) => line.trim().split('|'))
    .filter((fields) => fields.length >= 3 && fields[0] !== '')
    .map(([id, state, exit]) => ({ slurm_job_id: id, state: state.split(' ')[0], ...exitStatus(exit) }))
    .filter((end) => ENDED_STATES.has(end.state));
}

/** Parses `scontrol -o show job ID`: one line per job or array task, `Key=Value` words. Exported for tests. */
export function parseScontrolJobs(text: string): SlurmEnd[] {
  const field = (line: string, key: string): string | undefined => new RegExp(`(?:^|\\s)${key}=(\\S*)`).exec(line)?.[1];
  return text
    .split('\n')
    .filter((line) => line.includes('JobId='))
    .map((line) => {
      const arrayJob = field(line, 'ArrayJobId');
      const task = field(line, 'ArrayTaskId');
      const id = arrayJob && task && /^\d+$/.test(task) ? `${arrayJob}_${task}` : (field(line, 'JobId') as string);
      return { slurm_job_id: id, state: field(line, 'JobState') ?? '', ...exitStatus(field(line, 'ExitCode') ?? '') };
    })
    .filter((end) => ENDED_STATES.has(end.state));
}

/** sacct says this when the cluster keeps no accounting (no slurmdbd). */
const NO_ACCOUNTING = /accounting storage is disabled/i;

/**
 * How jobs that left squeue ended: from sacct, Slurm's accounting, by the ids squeue gave them
 * (`ID` or the array's `ID`: sacct lists its tasks as `ID_INDEX`). A cluster without accounting
 * has no sacct to ask; slurmctld still holds an ended job for MinJobAge (300 s by default), so
 * `scontrol show job` answers there. Jobs neither knows (yet) are left out; the caller asks again.
 */
export async function endedJobs(client: Client, ids: string[]): Promise<SlurmEnd[]> {
  if (ids.length === 0) return [];
  const jobs = [...new Set(ids.map((id) => id.split('_')[0]))];
  const sacct = await execRemote(client, shScript('exec sacct -X -n -P -o JobID,State,ExitCode -j "$1"', [jobs.join(',')]));
  if (sacct.code === 0) return parseSacct(sacct.stdout);
  if (!NO_ACCOUNTING.test(sacct.stderr + sacct.stdout)) throw new RemoteCommandError(`sacct failed on the login node: ${(sacct.stderr || sacct.stdout).trim().slice(-2000)}`);
  // One scontrol per job: it takes one id, and one it no longer knows is an error we ignore.
  const out = await runRemote(client, shScript('for id in "$@"; do scontrol -o show job "$id" 2>/dev/null; done; exit 0', jobs), 'scontrol show job');
  return parseScontrolJobs(out);
}
