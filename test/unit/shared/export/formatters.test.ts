import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatRunaiSubmit, formatSbatch, formatShellScript, modelFromSubmit, ValidationError } from '../../../../src/shared';
import { MODELS } from './models';

const GOLDEN = join(__dirname, '../../../fixtures/export');

/**
 * Compares with the reviewed file; GANTRY_UPDATE_GOLDEN=1 rewrites it, to be reviewed by hand
 * again in the diff before committing.
 */
function expectGolden(text: string, file: string): void {
  const path = join(GOLDEN, file);
  if (process.env.GANTRY_UPDATE_GOLDEN === '1' || !existsSync(path)) {
    if (process.env.CI) throw new Error(`golden file ${file} is missing`);
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe.each(Object.entries(MODELS))('the %s job', (kind, model) => {
  it('prints the reviewed sbatch script', () => {
    expectGolden(formatSbatch(model(), { partition: 'gpu', account: 'ml-lab', qos: 'normal', arrayParallelism: 2 }), `${kind}.sbatch`);
  });

  it('prints the reviewed runai submit lines', () => {
    expectGolden(formatRunaiSubmit(model(), { image: 'nvcr.io/nvidia/pytorch:24.08-py3', project: 'team-a' }), `${kind}.runai.sh`);
  });

  it('prints the reviewed shell script', () => {
    expectGolden(formatShellScript(model()), `${kind}.sh`);
  });

  it('never writes a secret env value', () => {
    for (const text of [formatSbatch(model()), formatRunaiSubmit(model(), { image: 'i' }), formatShellScript(model())]) expect(text).not.toContain('must-not-appear');
  });
});

describe('formatSbatch', () => {
  it('takes the wall time from the job timeout unless told otherwise', () => {
    expect(formatSbatch(MODELS.gpu())).toContain('#SBATCH --time=1-01:01:01\n');
    expect(formatSbatch(MODELS.gpu(), { timeLimitS: 600 })).toContain('#SBATCH --time=00:10:00\n');
  });

  it('refuses a directive that would end the directive block, naming it', () => {
    expect(() => formatSbatch(MODELS.cpu(), { partition: 'gpu\nrm -rf /' })).toThrow(expect.objectContaining({ field: 'sbatch.partition' }));
  });
});

describe('modelFromSubmit', () => {
  it('refuses a bad field with an error naming it', () => {
    const attempt = (): unknown => modelFromSubmit({ command: ['x'], requirements: { gpus: -1 } });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(expect.objectContaining({ field: 'requirements.gpus' }));
  });
});
