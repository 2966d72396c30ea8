import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GantryError } from '../../../src/shared';
import { addWorker, makeJob, openHarness, type Harness } from '../../support/coordinator';

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

  // A batch's job rows are written 64 to a statement (issue 19): 3,000 items span 47 of them.
  it('is all or nothing over many written rows: a bad 3,000th spec, or its unknown dependency, stores no job and no event', () => {
    const specs = Array.from({ length: 3_000 }, (_, i) => ({ command: ['true'], requirements: { tags: [`t${i % 3}`] } }));
    const events = h.c.lastEventId();
    expect(refusal(() => h.c.submitBatch([...specs.slice(0, 2_999), { command: [] }])).field).toBe('jobs.2999.command');
    // Refused while the rows before it are being written, not before: the dependency is looked up then.
    expect(refusal(() => h.c.submitBatch([...specs.slice(0, 2_999), { command: ['true'], depends_on: [987_654] }])).field).toBe('jobs.2999.depends_on.0');
    expect(h.c.countJobs().total).toBe(0);
    expect(h.c.countJobs({ tag: 't1' }).total).toBe(0);
    expect(h.c.eventsSince(events)).toEqual([]);
  });

  it('numbers a long batch past removed jobs, one job.submitted each in id order, with its tags and dependencies across statements', () => {
    const removed = h.c.submit({ command: ['gone'] });
    h.c.remove(removed.id);
    const events = h.c.lastEventId();
    const chain = Array.from({ length: 150 }, (_, i) => ({ ref: `j${i}`, command: ['true'], requirements: { tags: ['chain'] }, depends_on: i === 0 ? [] : [{ ref: `j${i - 1}` }] }));
    const jobs = h.c.submitBatch(chain);
    expect(jobs.map((j) => j.id)).toEqual(Array.from({ length: 150 }, (_, i) => removed.id + 1 + i));
    expect(jobs.map((j) => j.state)).toEqual(['queued', ...Array<string>(149).fill('waiting')]);
    expect(jobs.map((j) => h.c.getJob(j.id))).toEqual(jobs);
    expect(h.c.eventsSince(events).map((e) => [e.type, e.job_id, e.data.state])).toEqual(jobs.map((j) => ['job.submitted', j.id, j.state]));
    expect(h.c.countJobs({ tag: 'chain' }).total).toBe(150);
    // Job 64 is the first of the second statement, depending on the last of the first.
    expect(h.c.dependents(jobs[63].id).map((j) => j.id)).toEqual([jobs[64].id]);
    const worker = addWorker(h.c, { tags: ['chain'] });
    for (const job of jobs.slice(0, 65)) {
      expect(h.c.claim(worker).map((claimed) => claimed.job.id)).toEqual([job.id]);
      h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    }
    expect(h.c.getJob(jobs[65].id).state).toBe('queued');
  });

  it('answers with each job as it is stored, every field as a read of it gives (the reply is built from what was inserted, issue 19)', () => {
    h.c.createProject({ name: 'lab', preemption: { preemptible: true, grace_s: 45 } });
    h.c.suites.create({ name: 'evals', setup: { command: ['true'] }, tags: ['gpu'], priority: 3 });
    const failed = makeJob(h.c, 'failed');
    const running = makeJob(h.c, 'running');
    const jobs = h.c.submitBatch([
      { ref: 'a', command: { shell: 'echo "é" | wc -c' }, cwd: '/srv/x', cwd_machine: 'box', env: { A: '1', PATH_EXTRA: 'ü' }, secret_env: ['A'], params: { lr: 0.1, seed: 7, tag: 's', on: true } },
      { ref: 'b', name: 'second', command: ['b'], project: 'lab', priority: -2, depends_on: [{ ref: 'a' }, running.id], max_attempts: 4, max_lost_attempts: 0, timeout_s: 90, retry_delay_s: 5, retry_backoff: true },
      { command: ['c'], depends_on: [failed.id], outputs: ['out/*.json'], requirements: { cpus: 2, memory_mb: 512, gpus: 1, gpu_memory_mb: 8000, gpu_models: ['A100'], tags: ['x', 'y'] } },
      { command: ['d'], suite: 'evals', preemptible: false, checkpoint_signal: 'SIGUSR1', grace_s: 10, min_runtime_s: 60 },
      { command: ['e'], project: 'lab', keep_inputs: true, depends_on: [{ ref: 'b' }] },
    ]);
    expect(jobs.map((job) => job.state)).toEqual(['queued', 'waiting', 'blocked', 'queued', 'waiting']);
    expect(jobs.map((job) => h.c.getJob(job.id))).toEqual(jobs);
    const one = h.c.submit({ command: ['f'], project: 'lab', depends_on: [jobs[0].id] });
    expect(h.c.getJob(one.id)).toEqual(one);
  });

  it('handles a long chain without exhausting the stack', () => {
    const jobs = Array.from({ length: 20_000 }, (_, i) => ({ ref: `j${i}`, command: ['true'], depends_on: i === 0 ? [] : [{ ref: `j${i - 1}` }] }));
    const stored = h.c.submitBatch(jobs.reverse());
    expect(stored.filter((j) => j.state === 'queued')).toHaveLength(1);
  });
});
