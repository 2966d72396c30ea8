import { describe, expect, it } from 'vitest';
import { buildSubmission, EMPTY_FORM, FormError, previewSubmission, syncTarget } from '../../../src/renderer/src/logic/submitForm';

describe('buildSubmission', () => {
  it('turns a single command into argv with the typed resources', () => {
    const submission = buildSubmission({ ...EMPTY_FORM, command: 'python train.py --lr 1e-3', gpus: '2', memoryMb: '1536', tags: 'a100, big', dependsOn: '#4, 5', timeoutS: '60' });
    expect(submission.kind).toBe('single');
    expect(submission.body).toMatchObject({
      command: ['python', 'train.py', '--lr', '1e-3'],
      requirements: { cpus: 1, gpus: 2, memory_mb: 1536, gpu_memory_mb: null, tags: ['a100', 'big'] },
      depends_on: [4, 5],
      timeout_s: 60,
    });
  });
  it('asks memory and GPU memory in MB, the unit of the CLI (--mem, --gpu-mem) and the API', () => {
    const submission = buildSubmission({ ...EMPTY_FORM, command: 'x', gpus: '1', gpuMemoryMb: '8000', memoryMb: '16000' });
    expect(submission.body).toMatchObject({ requirements: { gpu_memory_mb: 8000, memory_mb: 16000 } });
  });
  it('sends the preemption fields typed, and leaves the others to the project default', () => {
    const body = buildSubmission({ ...EMPTY_FORM, command: 'x', preemptible: 'yes', checkpointSignal: 'SIGUSR2', graceS: '30' }).body;
    expect(body).toMatchObject({ preemptible: true, checkpoint_signal: 'SIGUSR2', grace_s: 30 });
    expect(body).not.toHaveProperty('min_runtime_s');
    expect(buildSubmission({ ...EMPTY_FORM, command: 'x' }).body).not.toHaveProperty('preemptible');
    expect(buildSubmission({ ...EMPTY_FORM, command: 'x', preemptible: 'no' }).body).toMatchObject({ preemptible: false });
    expect(() => buildSubmission({ ...EMPTY_FORM, command: 'x', minRuntimeS: 'soon' })).toThrow(expect.objectContaining({ field: 'min_runtime_s' }));
  });
  it('places the jobs on a host as --host does, and checks a synced directory as --sync does, with a host or for any worker', () => {
    expect(buildSubmission({ ...EMPTY_FORM, command: 'x', tags: 'a100', host: 'gpu1' }).body).toMatchObject({ requirements: { tags: ['a100', 'host:gpu1'] } });
    expect(syncTarget({ ...EMPTY_FORM, command: 'x' })).toBeNull();
    expect(syncTarget({ ...EMPTY_FORM, command: 'x', host: 'gpu1', syncDir: ' /home/me/exp ' })).toEqual({ host: 'gpu1', dir: '/home/me/exp' });
    expect(syncTarget({ ...EMPTY_FORM, command: 'x', syncDir: '/home/me/exp' })).toEqual({ host: null, dir: '/home/me/exp' });
    expect(() => buildSubmission({ ...EMPTY_FORM, command: 'x', syncDir: '/home/me/exp', cwd: '/tmp' })).toThrow(expect.objectContaining({ field: 'cwd' }));
    expect(() => buildSubmission({ ...EMPTY_FORM, command: 'x', host: 'gpu1', syncDir: '/home/me/exp', cwd: '/tmp' })).toThrow(expect.objectContaining({ field: 'cwd' }));
  });
  it('keeps a shell command as one string for sh -c', () => {
    expect(buildSubmission({ ...EMPTY_FORM, command: 'ls | wc -l', shell: true }).body).toMatchObject({ command: { shell: 'ls | wc -l' } });
  });
  it('names the field a form problem belongs to', () => {
    const fieldOf = (patch: Partial<typeof EMPTY_FORM>) => {
      try {
        buildSubmission({ ...EMPTY_FORM, command: 'x', ...patch });
      } catch (error) {
        return (error as FormError).field;
      }
      return null;
    };
    expect(fieldOf({ command: '' })).toBe('command');
    expect(fieldOf({ gpus: 'two' })).toBe('requirements.gpus');
    expect(fieldOf({ dependsOn: 'abc' })).toBe('depends_on');
    expect(fieldOf({ env: 'NOEQUALS' })).toBe('env');
  });
  it('builds a sweep and previews its count and first commands, values as typed (1e-3 stays 1e-3)', () => {
    const submission = buildSubmission({
      ...EMPTY_FORM,
      mode: 'sweep',
      command: 'python train.py --lr {lr} --seed {seed}',
      params: [
        { name: 'lr', values: '1e-3, 3e-4' },
        { name: 'seed', values: '1..5' },
      ],
    });
    expect(submission.kind).toBe('sweep');
    const preview = previewSubmission(submission, 2);
    expect(preview.count).toBe(10);
    expect(preview.commands).toEqual([
      ['python', 'train.py', '--lr', '1e-3', '--seed', '1'],
      ['python', 'train.py', '--lr', '1e-3', '--seed', '2'],
    ]);
  });
  it('lets the preview report a template placeholder without a parameter', () => {
    const submission = buildSubmission({ ...EMPTY_FORM, mode: 'sweep', command: 'run {x}', params: [{ name: 'y', values: '1' }] });
    expect(() => previewSubmission(submission)).toThrow(/\{x\}/);
  });
});
