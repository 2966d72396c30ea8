import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GantryError } from '../../../src/shared';
import { makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

function refusal(fn: () => unknown): { code: string; field?: string; message: string } {
  try {
    fn();
  } catch (error) {
    if (error instanceof GantryError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('submit', () => {
  it('puts the smallest job into the default project, queued, with defaults filled in', () => {
    const job = h.c.submit({ command: ['python', 'train.py'] });
    expect(job).toMatchObject({ project: 'default', name: 'python train.py', state: 'queued', priority: 0, max_attempts: 1, attempt: 0 });
    expect(job.requirements).toEqual({ cpus: 1, gpus: 0, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] });
  });

  it('keeps a shell command flagged as such', () => {
    expect(h.c.submit({ command: { shell: 'echo $HOME | wc -c' } }).command).toEqual({ shell: 'echo $HOME | wc -c' });
  });

  it('starts a job waiting when a dependency has not succeeded and blocked when one failed', () => {
    const running = makeJob(h.c, 'running');
    const failed = makeJob(h.c, 'failed');
    expect(h.c.submit({ command: ['x'], depends_on: [running.id] }).state).toBe('waiting');
    expect(h.c.submit({ command: ['x'], depends_on: [failed.id] }).state).toBe('blocked');
  });

  const refusals: Array<[string, unknown, string, RegExp]> = [
    ['an empty argv', { command: [] }, 'command', /must not be empty/],
    ['an empty shell string', { command: { shell: '' } }, 'command.shell', /must not be empty/],
    ['a missing command', {}, 'command', /./],
    ['negative cpus', { command: ['x'], requirements: { cpus: -1 } }, 'requirements.cpus', /./],
    ['absurd gpus', { command: ['x'], requirements: { gpus: 100000 } }, 'requirements.gpus', /./],
    ['fractional gpus', { command: ['x'], requirements: { gpus: 0.5 } }, 'requirements.gpus', /./],
    ['absurd memory', { command: ['x'], requirements: { memory_mb: 1e15 } }, 'requirements.memory_mb', /./],
    ['gpu memory without gpus', { command: ['x'], requirements: { gpu_memory_mb: 8000 } }, 'requirements.gpu_memory_mb', /needs requirements.gpus/],
    ['gpu models without gpus', { command: ['x'], requirements: { gpu_models: ['H100'] } }, 'requirements.gpu_models', /needs requirements.gpus/],
    ['a hostile tag', { command: ['x'], requirements: { tags: ['a b;rm -rf'] } }, 'requirements.tags.0', /./],
    ['a bad env name', { command: ['x'], env: { 'A-B': '1' } }, 'env.A-B', /./],
    ['zero max_attempts', { command: ['x'], max_attempts: 0 }, 'max_attempts', /./],
    ['a string priority', { command: ['x'], priority: 'high' }, 'priority', /./],
    ['an unknown field', { command: ['x'], colour: 'red' }, '', /colour/],
  ];
  it.each(refusals)('refuses %s, naming the field', (_name, input, field, message) => {
    const r = refusal(() => h.c.submit(input as never));
    expect(r.code).toBe('invalid_request');
    if (field) expect(r.field).toBe(field);
    expect(r.message).toMatch(message);
  });

  it('refuses an unknown project', () => {
    expect(refusal(() => h.c.submit({ project: 'nope', command: ['x'] }))).toMatchObject({ code: 'not_found', field: 'project' });
  });

  it('refuses an unknown dependency, naming its position', () => {
    expect(refusal(() => h.c.submit({ command: ['x'], depends_on: [12345] }))).toMatchObject({ code: 'not_found', field: 'depends_on.0' });
  });
});

describe('submitBatch', () => {
  it('resolves refs to ids inside the batch, in any order', () => {
    const [late, early] = h.c.submitBatch([
      { ref: 'b', command: ['b'], depends_on: [{ ref: 'a' }] },
      { ref: 'a', command: ['a'] },
    ]);
    expect(late.depends_on).toEqual([early.id]);
    expect(late.state).toBe('waiting');
    expect(early.state).toBe('queued');
  });

  it('refuses a cycle inside one batch and stores nothing', () => {
    const r = refusal(() =>
      h.c.submitBatch([
        { ref: 'a', command: ['a'], depends_on: [{ ref: 'c' }] },
        { ref: 'b', command: ['b'], depends_on: [{ ref: 'a' }] },
        { ref: 'c', command: ['c'], depends_on: [{ ref: 'b' }] },
      ]),
    );
    expect(r.message).toMatch(/dependency cycle a → c → b → a|cycle/);
    expect(r.field).toMatch(/^jobs\.\d\.depends_on$/);
    expect(h.c.countJobs().total).toBe(0);
  });

  it('refuses a self-dependency', () => {
    expect(refusal(() => h.c.submitBatch([{ ref: 'a', command: ['a'], depends_on: [{ ref: 'a' }] }])).message).toMatch(/cycle/);
  });

  it('is all or nothing: one bad item stores none', () => {
    const r = refusal(() => h.c.submitBatch([{ command: ['ok'] }, { command: ['ok'] }, { command: [] }]));
    expect(r.field).toBe('jobs.2.command');
    expect(h.c.countJobs().total).toBe(0);
  });

  it('refuses unknown refs and duplicate refs', () => {
    expect(refusal(() => h.c.submitBatch([{ command: ['a'], depends_on: [{ ref: 'ghost' }] }])).message).toMatch(/no job in this batch has ref "ghost"/);
    expect(refusal(() => h.c.submitBatch([{ ref: 'x', command: ['a'] }, { ref: 'x', command: ['b'] }])).field).toBe('jobs.1.ref');
  });

  it('handles a long chain without exhausting the stack', () => {
    const jobs = Array.from({ length: 20_000 }, (_, i) => ({ ref: `j${i}`, command: ['true'], depends_on: i === 0 ? [] : [{ ref: `j${i - 1}` }] }));
    const stored = h.c.submitBatch(jobs.reverse());
    expect(stored.filter((j) => j.state === 'queued')).toHaveLength(1);
  });
});
