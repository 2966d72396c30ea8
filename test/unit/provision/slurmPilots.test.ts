import { describe, expect, it } from 'vitest';
import { directBatches, parseSacct, parseScontrolJobs, parseSqueue, pilotScript, RemoteCommandError, resultOfEnd, sbatchRefusal, wantedPilots } from '../../../src/provision';
import { SlurmClusterAdd, type Job } from '../../../src/shared';

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

  it('tells pilots given a login node\'s relay on the cluster network that plain http is meant, and no others', () => {
    expect(pilotScript({ spec: spec({ relay: '10.1.0.2:7879' }), paths, url: 'http://10.1.0.2:7879', count: 1 })).toContain('--url http://10.1.0.2:7879 --insecure-http --token-file ');
    expect(pilotScript({ spec: spec(), paths, url: 'http://127.0.0.1:7879', count: 1 })).not.toContain('--insecure-http');
    expect(pilotScript({ spec: spec(), paths, url: 'https://gantry.lab:7878', count: 1 })).not.toContain('--insecure-http');
    expect(SlurmClusterAdd.safeParse({ name: 'c', login: 'l', relay: 'login 1:7879' }).error?.issues[0].path).toEqual(['relay']);
  });

  it('refuses settings that would hand back before winding down, naming the field', () => {
    expect(SlurmClusterAdd.safeParse({ name: 'c', login: 'l', wind_down_s: 10, hand_back_s: 20 }).error?.issues[0].path).toEqual(['hand_back_s']);
    expect(SlurmClusterAdd.safeParse({ name: 'c', login: 'l', partition: 'a b' }).error?.issues[0].path).toEqual(['partition']);
  });
});

describe('the per-job scripts (formatSbatch, as gantry export --format slurm prints them)', () => {
  /** A queued job with only the fields the scripts read. */
  const queued = (id: number, command: unknown, extra: Record<string, unknown> = {}): Job =>
    ({ id, name: `job-${id}`, project: 'default', command, params: {}, cwd: null, cwd_machine: null, env: {}, secret_env: [], requirements: { cpus: 1, memory_mb: 0, gpus: 0, gpu_memory_mb: 0, tags: ['slurm-direct:c'] }, timeout_s: null, max_attempts: 1, priority: 0, attempt: 0, ...extra }) as unknown as Job;
  const sweepPoint = (id: number, lr: string) => queued(id, ['python', 'train.py', '--lr', lr], { params: { lr: Number(lr) }, requirements: { cpus: 4, memory_mb: 16000, gpus: 2, gpu_memory_mb: 0, tags: ['slurm-direct:c'] } });

  it('sends a sweep as one array asking for each job\'s CPUs, memory and GPUs, its words quoted', () => {
    const [batch, ...rest] = directBatches({ spec: spec({ partition: 'gpu', account: 'lab' }), dir: '/h/.gantry/slurm/c/jobs', jobs: [sweepPoint(7, '0.1'), sweepPoint(8, "it's")] });
    expect(rest).toEqual([]);
    expect(batch.array).toBe(true);
    expect(batch.jobs.map((j) => j.id)).toEqual([7, 8]);
    for (const line of ['--job-name=gantry-job-c', '--partition=gpu', '--account=lab', '--time=01:00:00', '--cpus-per-task=4', '--mem=16000M', '--gres=gpu:2', '--array=0-1', '--output=/h/.gantry/slurm/c/jobs/%A_%a.out']) {
      expect(batch.script).toContain(`#SBATCH ${line}\n`);
    }
    expect(batch.script).toContain("  0)\n    export GANTRY_JOB_ID=7 GANTRY_ATTEMPT=1 GANTRY_PARAM_LR=0.1 GANTRY_PARAMS='{\"lr\":0.1}'\n    exec python train.py --lr 0.1\n");
    expect(batch.script).toContain("    exec python train.py --lr 'it'\\''s'\n");
  });

  it('sends a job on its own as a plain job for its next attempt, in its cwd with its env, its timeout as the time limit', () => {
    const batches = directBatches({ spec: spec({ time_limit_min: 45 }), dir: '/d', jobs: [queued(1, { shell: 'echo $HOME | wc -c' }, { env: { LR: '0.1' }, cwd: '/data/run', timeout_s: 90, attempt: 2 }), queued(2, ['true'])] });
    expect(batches.map((b) => b.array)).toEqual([false, false]);
    const [first, second] = batches.map((b) => b.script);
    expect(first).toContain('#SBATCH --time=00:01:30\n#SBATCH --nodes=1');
    expect(first).toContain('#SBATCH --output=/d/%j.out\n');
    expect(first).not.toContain('--array');
    expect(first).not.toContain('--gres');
    expect(first).toContain("cd /data/run\nexport LR=0.1\nexport GANTRY_JOB_ID=1 GANTRY_ATTEMPT=3\nexec sh -c 'echo $HOME | wc -c'\n");
    expect(second).toContain('#SBATCH --time=00:45:00\n');
  });

  it('keeps a cwd that belongs to the submitter\'s machine out of the script', () => {
    const [batch] = directBatches({ spec: spec(), dir: '/d', jobs: [queued(3, ['ls'], { cwd: '/home/me/proj', cwd_machine: 'laptop' })] });
    expect(batch.script).not.toContain('/home/me/proj');
  });
});

describe('how a job that left squeue ended', () => {
  it('reads sacct, as real accounting prints array tasks, skipping jobs not over', () => {
    const text = '4711_0|COMPLETED|0:0\n4711_1|FAILED|3:0\n4711_2|OUT_OF_MEMORY|0:125\n4712|TIMEOUT|0:15\n4713|CANCELLED by 1000|0:15\n4714|RUNNING|0:0\n4715|NODE_FAIL|0:0\n';
    expect(parseSacct(text)).toEqual([
      { slurm_job_id: '4711_0', state: 'COMPLETED', exit_code: 0, signal: null },
      { slurm_job_id: '4711_1', state: 'FAILED', exit_code: 3, signal: null },
      { slurm_job_id: '4711_2', state: 'OUT_OF_MEMORY', exit_code: null, signal: 125 },
      { slurm_job_id: '4712', state: 'TIMEOUT', exit_code: null, signal: 15 },
      { slurm_job_id: '4713', state: 'CANCELLED', exit_code: null, signal: 15 },
      { slurm_job_id: '4715', state: 'NODE_FAIL', exit_code: 0, signal: null },
    ]);
  });

  it('reads scontrol show job on a cluster without accounting, array tasks by their array id', () => {
    const text = [
      'JobId=4 ArrayJobId=1 ArrayTaskId=0 JobName=wrap UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0 RunTime=00:00:00',
      'JobId=1 ArrayJobId=1 ArrayTaskId=2 JobName=wrap UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=2:0',
      'JobId=9 JobName=wrap UserId=root(0) JobState=RUNNING Reason=None ExitCode=0:0',
      'JobId=10 JobName=wrap UserId=root(0) JobState=TIMEOUT Reason=TimeLimit ExitCode=0:1',
    ].join('\n');
    expect(parseScontrolJobs(text)).toEqual([
      { slurm_job_id: '1_0', state: 'COMPLETED', exit_code: 0, signal: null },
      { slurm_job_id: '1_2', state: 'FAILED', exit_code: 2, signal: null },
      { slurm_job_id: '10', state: 'TIMEOUT', exit_code: null, signal: 1 },
    ]);
  });

  it.each([
    ['COMPLETED', 0, null, { outcome: 'succeeded', exit_code: 0 }],
    ['FAILED', 3, null, { outcome: 'failed', exit_code: 3, error: 'exited with 3' }],
    ['TIMEOUT', null, 15, { outcome: 'timed_out' }],
    ['OUT_OF_MEMORY', null, 125, { outcome: 'failed', error: expect.stringContaining('ran out of memory') }],
    ['CANCELLED', null, 15, { outcome: 'cancelled', error: expect.stringContaining('outside Gantry') }],
  ] as const)('%s ends the attempt as the matching outcome', (state, exitCode, signal, result) => {
    expect(resultOfEnd({ slurm_job_id: '5', state, exit_code: exitCode, signal })).toMatchObject(result);
  });
});

describe('sbatch refusing a per-job script', () => {
  it('fails for good on what Slurm will never take, and tries again when the controller did not answer', () => {
    const failed = (stderr: string) => new RemoteCommandError(`sbatch failed on the host: ${stderr}`);
    expect(sbatchRefusal(failed('sbatch: error: Invalid generic resource (gres) specification'))).toBe('Invalid generic resource (gres) specification');
    expect(sbatchRefusal(failed('sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified'))).toBe('Invalid partition name specified');
    expect(sbatchRefusal(failed('sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)'))).toBeNull();
    expect(sbatchRefusal(failed('sbatch: error: Batch job submission failed: Socket timed out on send/recv operation'))).toBeNull();
    expect(sbatchRefusal(new Error('ssh closed'))).toBeNull();
  });
});
