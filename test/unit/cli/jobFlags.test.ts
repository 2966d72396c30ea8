import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { submitSpec } from '../../../src/cli/commands/submit';
import { sweepRequest } from '../../../src/cli/commands/sweep';
import { CliError } from '../../../src/cli/exitCodes';
import { integerArg, jobFieldsFromFlags, parseEnvPairs, positiveNumberArg, priorityArg, submittedFrom } from '../../../src/cli/jobFlags';
import { localMachine } from '../../../src/agent';
import { JobSubmit, SweepRequest } from '../../../src/shared';

const context = { cwd: '/home/me/project', env: { HF_HOME: '/cache/hf' } };

describe('jobFieldsFromFlags', () => {
  it('places a job on a Slurm cluster: its pilots, or with --direct its own sbatch task', () => {
    expect(jobFieldsFromFlags({ slurm: 'big' }, context).requirements).toEqual({ tags: ['slurm:big'] });
    expect(jobFieldsFromFlags({ slurm: 'big', direct: true }, context).requirements).toEqual({ tags: ['slurm-direct:big'] });
    expect(() => jobFieldsFromFlags({ direct: true }, context)).toThrow(/--k8s NAME or --slurm NAME/);
    expect(() => jobFieldsFromFlags({ slurm: 'big', k8s: 'kube', direct: true }, context)).toThrow(/one cluster/);
  });

  it('leaves out every field whose flag is absent so the server defaults apply', () => {
    expect(jobFieldsFromFlags({}, context)).toEqual({});
  });

  it('maps every flag to its JobSubmit field', () => {
    const fields = jobFieldsFromFlags(
      {
        project: 'vision',
        name: 'baseline',
        priority: -3,
        gpus: 2,
        gpuMem: 8000,
        cpus: 0.5,
        mem: 16000,
        tag: ['a100', 'fast'],
        after: [4, 5],
        retries: 2,
        retryDelay: 40,
        retryBackoff: true,
        timeout: 3600,
        env: ['SEED=1', 'HF_HOME'],
        secretEnv: ['HF_HOME'],
        cwd: 'runs/../src',
      },
      context,
    );
    expect(fields).toEqual({
      project: 'vision',
      name: 'baseline',
      priority: -3,
      requirements: { gpus: 2, gpu_memory_mb: 8000, cpus: 0.5, memory_mb: 16000, tags: ['a100', 'fast'] },
      depends_on: [4, 5],
      max_attempts: 3,
      retry_delay_s: 40,
      retry_backoff: true,
      timeout_s: 3600,
      env: { SEED: '1', HF_HOME: '/cache/hf' },
      secret_env: ['HF_HOME'],
      cwd: '/home/me/project/src',
    });
    expect(JobSubmit.safeParse({ ...fields, command: ['true'] }).success).toBe(true);
  });

  it('keeps an absolute --cwd as given', () => {
    expect(jobFieldsFromFlags({ cwd: '/data/run' }, context).cwd).toBe('/data/run');
  });
});

describe('parseEnvPairs', () => {
  it('keeps everything after the first = as the value, empty included', () => {
    expect(parseEnvPairs(['A=x=y', 'B='], {})).toEqual({ A: 'x=y', B: '' });
  });

  it('refuses a name that is not a variable name', () => {
    expect(() => parseEnvPairs(['1A=x'], {})).toThrow(CliError);
    expect(() => parseEnvPairs(['A-B=x'], {})).toThrow(/not a variable name/);
  });

  it('refuses to copy a variable that is not set locally', () => {
    expect(() => parseEnvPairs(['MISSING'], {})).toThrow(/not set in your environment/);
  });
});

describe('numeric flag parsers', () => {
  it('accepts whole numbers at or above the minimum', () => {
    expect(integerArg(0)('0')).toBe(0);
    expect(integerArg(Number.MIN_SAFE_INTEGER)('-7')).toBe(-7);
    expect(positiveNumberArg('0.25')).toBe(0.25);
  });

  it.each(['1.5', 'abc', '', '1e3', '-1'])('refuses %j where a whole number 0 or more is expected', (text) => {
    expect(() => integerArg(0)(text)).toThrow(InvalidArgumentError);
  });

  it('refuses negative and non-numeric CPU counts', () => {
    expect(() => positiveNumberArg('-1')).toThrow(InvalidArgumentError);
    expect(() => positiveNumberArg('two')).toThrow(InvalidArgumentError);
  });
});

describe('submittedFrom', () => {
  it('records the directory the job was submitted from and the machine it is on', () => {
    expect(submittedFrom({}, context, () => 'laptop/abc')).toEqual({ cwd: '/home/me/project', cwd_machine: 'laptop/abc' });
    expect(submitSpec(['true'], {}, context)).toMatchObject({ cwd: '/home/me/project', cwd_machine: localMachine() });
  });

  it('leaves --cwd to name a directory on whichever machine runs the job', () => {
    expect(submittedFrom({ cwd: 'data/run' }, context)).toEqual({});
    expect(submitSpec(['true'], { cwd: 'data/run' }, context)).toMatchObject({ cwd: '/home/me/project/data/run' });
    expect(submitSpec(['true'], { cwd: 'data/run' }, context).cwd_machine).toBeUndefined();
  });
});

describe('submitSpec', () => {
  it('sends argv as an array, one element per argument, untouched', () => {
    const spec = submitSpec(['python', 'train.py', '--msg', 'a b; rm -rf /'], { gpus: 1 }, context);
    expect(spec).toEqual({ command: ['python', 'train.py', '--msg', 'a b; rm -rf /'], requirements: { gpus: 1 }, cwd: '/home/me/project', cwd_machine: localMachine() });
  });

  it('joins the words into one shell string with --shell', () => {
    expect(submitSpec(['make', '&&', 'echo ok'], { shell: true }, context).command).toEqual({ shell: 'make && echo ok' });
  });
});

describe('sweepRequest', () => {
  it('builds a grid request from the template, params and shared flags', () => {
    const request = sweepRequest(`python train.py --lr {lr} --note 'seed {seed}'`, { param: ['lr=1e-3,3e-4', 'seed=1..2'], gpus: 1 }, context);
    expect(request).toEqual({
      cwd: '/home/me/project',
      cwd_machine: localMachine(),
      requirements: { gpus: 1 },
      template: ['python', 'train.py', '--lr', '{lr}', '--note', 'seed {seed}'],
      params: { lr: ['1e-3', '3e-4'], seed: [1, 2] },
      mode: 'grid',
      dry_run: false,
    });
    expect(SweepRequest.safeParse(request).success).toBe(true);
  });

  it('asks for zip and a dry run when told', () => {
    const request = sweepRequest('run {a} {b}', { param: ['a=1,2', 'b=x,y'], zip: true, dryRun: true }, context);
    expect(request.mode).toBe('zip');
    expect(request.dry_run).toBe(true);
  });

  it('refuses a sweep without any --param', () => {
    expect(() => sweepRequest('run {a}', {}, context)).toThrow(/at least one --param/);
  });
});

describe('priorityArg', () => {
  it('takes the whole range the server accepts', () => {
    expect(priorityArg('-1000000')).toBe(-1_000_000);
    expect(priorityArg('1000000')).toBe(1_000_000);
  });

  it.each(['1000001', '-1000001', '99999999999999999999'])('refuses %s stating the real bound', (text) => {
    expect(() => priorityArg(text)).toThrow('expected a whole number from -1000000 to 1000000');
  });
});

describe('preemption flags', () => {
  it('maps --preemptible, --checkpoint-signal, --grace and --min-runtime to their fields, which the server schema takes', () => {
    const fields = jobFieldsFromFlags({ preemptible: true, checkpointSignal: 'SIGUSR2', grace: 30, minRuntime: 0 }, context);
    expect(fields).toEqual({ preemptible: true, checkpoint_signal: 'SIGUSR2', grace_s: 30, min_runtime_s: 0 });
    expect(JobSubmit.parse({ command: ['train'], ...fields })).toMatchObject(fields);
  });
});
