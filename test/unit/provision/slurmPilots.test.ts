import { describe, expect, it } from 'vitest';
import { directScript, parseSqueue, pilotScript, wantedPilots } from '../../../src/provision';
import { SlurmClusterAdd, type ClaimedJob } from '../../../src/shared';

const spec = (extra: Record<string, unknown> = {}) => SlurmClusterAdd.parse({ name: 'c', login: 'login', ...extra });

describe('squeue output', () => {
  it('reads one array task a line, with no reason for None', () => {
    const text = '12_0|RUNNING|None\n12_1|PENDING|Resources\n13_4|PENDING|QOSMaxJobsPerUserLimit\n\n';
    expect(parseSqueue(text)).toEqual([
      { slurm_job_id: '12_0', state: 'RUNNING', reason: null },
      { slurm_job_id: '12_1', state: 'PENDING', reason: 'Resources' },
      { slurm_job_id: '13_4', state: 'PENDING', reason: 'QOSMaxJobsPerUserLimit' },
    ]);
  });
});

describe('how many pilots a cluster wants', () => {
  it.each([
    [{}, 0, 0],
    [{ min_pilots: 1 }, 0, 1],
    [{}, 3, 3],
    [{ max_pilots: 2 }, 10, 2],
    [{ jobs_per_pilot: 4 }, 9, 3],
    [{ cpus_per_pilot: 2 }, 3, 2],
    [{ gpus_per_pilot: 2, max_gpus: 5, max_pilots: 10 }, 10, 2],
  ])('%j with %i jobs waiting or running: %i', (extra, demand, wanted) => {
    expect(wantedPilots(spec(extra), demand)).toBe(wanted);
  });
});

describe('the pilot batch script', () => {
  const paths = { root: '/home/u/.gantry/slurm/c', tokenFile: '/home/u/.gantry/slurm/c/agent.token', node: 'node', agentFile: '/home/u/.gantry/agent/v/gantry-agent.js' };

  it('asks sbatch for the cluster shape as an array of pilots', () => {
    const script = pilotScript({ spec: spec({ partition: 'gpu', account: 'lab', qos: 'high', time_limit_min: 90, cpus_per_pilot: 8, memory_mb_per_pilot: 32000, gpus_per_pilot: 2 }), paths, url: 'https://laptop:7878', count: 3 });
    for (const line of ['--job-name=gantry-pilot-c', '--array=0-2', '--time=90', '--cpus-per-task=8', '--mem=32000M', '--gres=gpu:2', '--partition=gpu', '--account=lab', '--qos=high']) {
      expect(script).toContain(`#SBATCH ${line}\n`);
    }
  });

  it('passes the token as a file and execs the agent with its lifetime flags', () => {
    const script = pilotScript({ spec: spec({ idle_timeout_s: 120, wind_down_s: 200, hand_back_s: 30 }), paths, url: 'http://127.0.0.1:7878', count: 1 });
    expect(script).toContain(`--token-file ${paths.tokenFile}`);
    expect(script).not.toMatch(/--token /);
    expect(script).toMatch(/\nexec node /);
    expect(script).toContain('--idle-exit 120 --wall-end "$wall_end" --wind-down 200 --hand-back 30');
    expect(script).toContain("--name c-\"$task\" --tags slurm:c");
  });

  it('refuses settings that would hand back before winding down, naming the field', () => {
    expect(SlurmClusterAdd.safeParse({ name: 'c', login: 'l', wind_down_s: 10, hand_back_s: 20 }).error?.issues[0].path).toEqual(['hand_back_s']);
    expect(SlurmClusterAdd.safeParse({ name: 'c', login: 'l', partition: 'a b' }).error?.issues[0].path).toEqual(['partition']);
  });
});

describe('the per-job array script', () => {
  /** Only the fields the script reads. */
  const claimed = (id: number, command: unknown, extra: Record<string, unknown> = {}): ClaimedJob =>
    ({ job: { id, command, cwd: null, cwd_machine: null, env: {}, requirements: { cpus: 1, memory_mb: 0 }, timeout_s: null, ...extra }, attempt: 1 }) as unknown as ClaimedJob;

  it('runs each job of a sweep as one task of one array, its words quoted', () => {
    const script = directScript({ spec: spec({ partition: 'cpu' }), dir: '/h/.gantry/slurm/c/jobs', claimed: [claimed(7, ['echo', "it's {1}"]), claimed(8, { shell: 'echo $HOME | wc -c' }, { env: { LR: '0.1' }, cwd: '/data/run' })] });
    expect(script).toContain('#SBATCH --array=0-1\n');
    expect(script).toContain('#SBATCH --output=/h/.gantry/slurm/c/jobs/%A_%a.out\n');
    expect(script).toContain('#SBATCH --partition=cpu\n');
    expect(script).toContain(`  0) ( export GANTRY_JOB_ID=7 GANTRY_ATTEMPT=1 && exec echo 'it'\\''s {1}' ) ;;`);
    expect(script).toContain("  1) ( cd /data/run && export LR=0.1 GANTRY_JOB_ID=8 GANTRY_ATTEMPT=1 && exec sh -c 'echo $HOME | wc -c' ) ;;");
    expect(script).toMatch(/\.out\.exit"\nexit "\$code"\n$/);
  });

  it('asks for the longest job timeout as its wall time, else the cluster time limit', () => {
    expect(directScript({ spec: spec({ time_limit_min: 45 }), dir: '/d', claimed: [claimed(1, ['true'], { timeout_s: 90 }), claimed(2, ['true'], { timeout_s: 600 })] })).toContain('#SBATCH --time=10\n');
    expect(directScript({ spec: spec({ time_limit_min: 45 }), dir: '/d', claimed: [claimed(1, ['true'], { timeout_s: 90 }), claimed(2, ['true'])] })).toContain('#SBATCH --time=45\n');
  });
});
