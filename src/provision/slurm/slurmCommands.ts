import type { Client } from 'ssh2';
import type { PilotStatus } from '../../core';
import { RemoteCommandError } from '../errors';
import { runRemote } from '../ssh/remoteExec';
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

/** Submits a batch script (given on stdin, so nothing of it lands in a file first); returns the job id. */
export async function sbatch(client: Client, script: string): Promise<string> {
  const out = await runRemote(client, shScript('printf "%s" "$1" | sbatch --parsable', [script]), 'sbatch');
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
