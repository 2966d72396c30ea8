import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { formatSbatch, formatShellScript, modelFromSubmit, modelFromSweep } from '../../../../src/shared';

/** Runs a generated script with `sh`, as sbatch and a user would, and returns what it printed. */
function run(script: string, env: Record<string, string> = {}): { stdout: string; status: number | null } {
  const result = spawnSync('sh', ['-s'], { input: script, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, encoding: 'utf8' });
  return { stdout: result.stdout, status: result.status };
}

const awkward = ["it's", 'two words', '$HOME', '`id`', '"q"'];

describe('generated scripts', () => {
  it('pass every argument through unchanged, quotes and dollars included', () => {
    const model = modelFromSubmit({ command: ['printf', '%s|', ...awkward] });
    expect(run(formatShellScript(model)).stdout).toBe(`${awkward.join('|')}|`);
  });

  it('run the sweep point of the Slurm array task, with its params in the environment', () => {
    const model = modelFromSweep({ template: ['sh', '-c', 'printf "%s %s %s" "$1" "$GANTRY_PARAM_LR" "$GANTRY_PARAM_SEED"', 'x', '{lr}'], params: { lr: ['a b', "c'd"], seed: [1, 2] } });
    expect(run(formatSbatch(model), { SLURM_ARRAY_TASK_ID: '3' }).stdout).toBe("c'd c'd 2");
    expect(run(formatSbatch(model), { SLURM_ARRAY_TASK_ID: '9' }).status).toBe(2);
  });

  it('stop before running when a secret env value is not provided, and pass it when it is', () => {
    const model = modelFromSubmit({ command: ['sh', '-c', 'printf "%s" "$API_TOKEN"'], env: { API_TOKEN: 'from-the-spec' } });
    expect(run(formatShellScript(model)).status).not.toBe(0);
    expect(run(formatShellScript(model), { API_TOKEN: 'from-here' }).stdout).toBe('from-here');
  });

  it('run every point of a sweep script and report a failure of any', () => {
    const model = modelFromSweep({ template: ['sh', '-c', 'printf "%s;" "$0"; test "$0" != bad', '{v}'], params: { v: ['ok', 'bad', 'fine'] } });
    expect(run(formatShellScript(model))).toEqual({ stdout: 'ok;bad;fine;', status: 1 });
  });
});
