import { describe, expect, it } from 'vitest';
import { formatExplanation } from '../../../src/cli/format/explanation';
import { formatJobDetail, formatJobTable } from '../../../src/cli/format/jobs';
import { renderTable } from '../../../src/cli/format/table';
import { displayWidth, escapeControl } from '../../../src/cli/format/terminalText';
import { printJson, printLine, type CliContext, type OutputStream } from '../../../src/cli/context';
import { formatAge } from '../../../src/cli/format/time';
import { WaitProgress, renderProgressBar } from '../../../src/cli/wait/progress';
import { formatIdRanges } from '../../../src/cli/format/idRanges';
import { Job, type Explanation } from '../../../src/shared';

const NOW = 1_700_000_000_000;

function makeJob(overrides: Partial<Job> = {}): Job {
  return Job.parse({
    id: 1,
    project: 'default',
    name: 'train',
    command: ['python', 'train.py'],
    cwd: null,
    env: {},
    params: {},
    priority: 0,
    requirements: { cpus: 1, gpus: 0, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] },
    depends_on: [],
    max_attempts: 1,
    max_lost_attempts: 3,
    timeout_s: null,
    retry_delay_s: 0,
    retry_backoff: false,
    state: 'queued',
    attempt: 0,
    counted_attempts: 0,
    lost_attempts: 0,
    retry_at: null,
    worker_id: null,
    exit_code: null,
    error: null,
    created_at: NOW - 90_000,
    started_at: null,
    finished_at: null,
    ...overrides,
  });
}

describe('renderTable', () => {
  it('pads columns to the widest cell, right-aligns numbers and trims line ends', () => {
    const text = renderTable(
      [
        { id: 7, name: 'a' },
        { id: 123, name: 'longer' },
      ],
      [
        { header: 'ID', value: (r) => String(r.id), align: 'right' },
        { header: 'NAME', value: (r) => r.name },
      ],
    );
    expect(text).toBe([' ID  NAME', '  7  a', '123  longer'].join('\n'));
  });

  it('cuts cells past maxWidth with an ellipsis and escapes newlines', () => {
    const text = renderTable([{ v: 'abcdefgh\nij' }], [{ header: 'V', value: (r) => r.v, maxWidth: 5 }]);
    expect(text.split('\n')[1]).toBe('abcd…');
    expect(renderTable([{ v: 'a\nb' }], [{ header: 'V', value: (r) => r.v }]).split('\n')).toEqual(['V', 'a\\nb']);
  });

  it('shows control characters in a cell as escapes, so a name cannot retitle the terminal', () => {
    const text = renderTable([{ v: '\u001b]0;pwned\u0007' }], [{ header: 'NAME', value: (r) => r.v }]);
    expect([...text.replace(/\n/g, '')].some((char) => char.charCodeAt(0) < 0x20 || (char.charCodeAt(0) >= 0x7f && char.charCodeAt(0) <= 0x9f))).toBe(false);
    expect(text.split('\n')[1]).toBe('\\x1b]0;pwned\\x07');
  });

  it('keeps columns aligned after CJK and emoji names, measured in terminal columns', () => {
    const text = renderTable(
      [
        { name: '训练模型', state: 'queued' },
        { name: 'train', state: 'running' },
        { name: '🚀x', state: 'failed' },
      ],
      [
        { header: 'NAME', value: (r) => r.name },
        { header: 'STATE', value: (r) => r.state },
      ],
    );
    const starts = text.split('\n').map((line) => displayWidth(line.slice(0, line.search(/(STATE|queued|running|failed)/))));
    expect(new Set(starts).size).toBe(1);
    expect(starts[0]).toBe(10);
  });

  it('cuts a wide name by columns without splitting a character', () => {
    const text = renderTable([{ v: '训练模型训练模型' }], [{ header: 'V', value: (r) => r.v, maxWidth: 6 }]);
    expect(text.split('\n')[1]).toBe('训练…');
  });
});

describe('terminal text', () => {
  it.each([
    ['\u001b[31mred', '\\x1b[31mred'],
    ['tab\there', 'tab\\there'],
    ['bell\u0007', 'bell\\x07'],
    ['c1 \u009b31m', 'c1 \\x9b31m'],
    ['rtl \u202eevil', 'rtl \\u202eevil'],
    ['back\\slash', 'back\\slash'],
    ['训练 ok', '训练 ok'],
  ])('escapes %j as %j', (raw, shown) => {
    expect(escapeControl(raw)).toBe(shown);
    expect(escapeControl(escapeControl(raw))).toBe(shown);
  });

  it('measures wide, narrow and combining characters', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('训练')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('🚀')).toBe(2);
  });

  it('prints every line through the escape, keeping line breaks, and JSON with C1 and bidi escaped', () => {
    const chunks: string[] = [];
    const stream = { write: (text: string) => chunks.push(text) } as unknown as OutputStream;
    printLine(stream, 'job 1 \u001b]0;x\u0007\nnext');
    expect(chunks.join('')).toBe('job 1 \\x1b]0;x\\x07\nnext\n');
    const out: string[] = [];
    printJson({ stdout: { write: (text: string) => out.push(text) } } as unknown as CliContext, { name: '\u009b\u202e' });
    expect(out.join('')).not.toMatch(/[\u009b\u202e]/);
    expect(JSON.parse(out.join(''))).toEqual({ name: '\u009b\u202e' });
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [3_600_000, '1h'],
    [86_400_000 * 3, '3d'],
  ])('shows an age of %i ms as %s', (ms, text) => {
    expect(formatAge(NOW - ms, NOW)).toBe(text);
  });

  it('never shows a negative age for a clock slightly ahead', () => {
    expect(formatAge(NOW + 5000, NOW)).toBe('0s');
  });
});

describe('formatJobTable', () => {
  it('lists id, state, priority, name, worker name and age', () => {
    const text = formatJobTable(
      [makeJob({ id: 12, state: 'running', priority: 5, worker_id: 'w-1', attempt: 1, counted_attempts: 1 }), makeJob({ id: 3, name: 'eval' })],
      NOW,
      new Map([['w-1', 'gpu-box']]),
    );
    expect(text.split('\n')).toEqual([
      'ID  STATE    TRIES  PRIO  NAME   WORKER   AGE',
      '12  running  1/1       5  train  gpu-box   1m',
      ' 3  queued   -         0  eval   -         1m',
    ]);
  });

  it('says so when there are no jobs', () => {
    expect(formatJobTable([], NOW)).toBe('no jobs');
  });
});

describe('formatExplanation', () => {
  const explanation: Explanation = {
    job_id: 4,
    state: 'queued',
    summary: 'no worker has 2 free GPUs',
    reasons: [
      { code: 'insufficient_free_resources', message: 'needs 2 GPUs; at most 1 is free', resource: 'gpus', needed: 2, largest_free: 1 },
      { code: 'jobs_ahead', message: '3 jobs are ahead of it', count: 3 },
    ],
  };

  it('prints the summary, then each reason as a bullet', () => {
    expect(formatExplanation(explanation)).toBe(
      ['job 4 (queued): no worker has 2 free GPUs', '  - needs 2 GPUs; at most 1 is free', '  - 3 jobs are ahead of it'].join('\n'),
    );
  });

  it('leaves out a reason that only repeats the summary', () => {
    const done: Explanation = { job_id: 1, state: 'succeeded', summary: 'it finished', reasons: [{ code: 'not_pending', message: 'it finished', state: 'succeeded' }] };
    expect(formatExplanation(done)).toBe('job 1 (succeeded): it finished');
  });

  it('is part of show for a pending job, with dependencies and attempts', () => {
    const job = makeJob({ id: 4, depends_on: [2], state: 'waiting', params: { lr: '1e-3' } });
    const text = formatJobDetail(
      { job, attempts: [], dependencies: [makeJob({ id: 2, state: 'running' })], dependents: [], explanation },
      NOW,
    );
    expect(text).toContain('job 4  train');
    expect(text).toMatch(/after\s+2 \(running\)/);
    expect(text).toMatch(/params\s+lr=1e-3/);
    expect(text).toContain('no attempts yet');
    expect(text).toContain('why not running:');
    expect(text).toContain('- 3 jobs are ahead of it');
  });
});

describe('attempts in show and ls', () => {
  it('counts attempts against the budget after a retry, and lost ones apart, never "attempt 2 of 1"', () => {
    const retried = makeJob({ id: 5, state: 'running', attempt: 2, counted_attempts: 1, max_attempts: 1 });
    const lost = makeJob({ id: 6, state: 'queued', attempt: 3, counted_attempts: 1, lost_attempts: 2, max_attempts: 2, retry_delay_s: 40, retry_backoff: true });
    const show = (job: Job) => formatJobDetail({ job, attempts: [], dependencies: [], dependents: [], explanation: null }, NOW);
    expect(show(retried)).toMatch(/attempts\s+1 of 1 attempt used\n/);
    expect(show(retried)).not.toMatch(/2 of 1/);
    expect(show(retried)).toMatch(/retries\s+none\n/);
    expect(show(lost)).toMatch(/attempts\s+1 of 2 attempts used; 2 lost or handed back \(re-queued free, up to 3\)/);
    expect(show(lost)).toMatch(/retries\s+1, after 40 s, doubling each time/);
    expect(formatJobTable([retried, lost], NOW).split('\n').map((line) => line.split(/\s{2,}/)[2])).toEqual(['TRIES', '1/1', '1/2 +2 lost']);
  });
});

describe('renderProgressBar', () => {
  it('fills the bar by the share of final jobs and counts each state', () => {
    const jobs = [makeJob({ state: 'succeeded' }), makeJob({ state: 'failed' }), makeJob({ state: 'running' }), makeJob({ state: 'queued' })];
    expect(renderProgressBar(jobs, 65_000, 8)).toBe('[####----] 2/4 ended · 1 running · 1 queued · 1 succeeded · 1 failed · 1m05s');
  });
});

describe('formatSweepFinals', () => {
  it('lists the jobs best first with the params that differ and the final value', async () => {
    const { formatSweepFinals } = await import('../../../src/cli/format/metrics');
    const sweep = { id: 3, project: 'default', name: 'train', template: ['train'], param_names: ['lr', 'seed'], mode: 'grid' as const, created_at: 0, jobs: 2 };
    const job = (job_id: number, lr: number, value: number | null) => ({
      job_id, name: `train lr=${lr}`, state: 'succeeded' as const, params: { lr, seed: 1 }, attempt: 1, count: 10, points: [],
      final: value === null ? null : { value, step: 9, at: 0, x: 9 },
      finals: (value === null ? {} : { loss: value }) as Record<string, number>,
    });
    const text = formatSweepFinals({ sweep, name: 'loss', x: 'step', names: ['acc', 'loss'], varying_params: ['lr'], jobs: [job(7, 0.1, 0.5), job(8, 0.01, 0.25), job(9, 1, null)] });
    expect(text.split('\n')).toEqual([
      'sweep 3 (train), loss; also: acc',
      'JOB  LR    STATE      STEP  LOSS',
      '  8  0.01  succeeded     9  0.25',
      '  7  0.1   succeeded     9   0.5',
      '  9  1     succeeded     -     -',
    ]);
  });
});

describe('formatIdRanges', () => {
  it.each([
    [[], ''],
    [[7], '7'],
    [[2, 3, 4, 5], '2-5'],
    [[3, 5, 6, 7, 12], '3 5-7 12'],
    [Array.from({ length: 10_000 }, (_, i) => i + 2), '2-10001'],
  ])('folds %j into %s', (ids, text) => {
    expect(formatIdRanges(ids)).toBe(text);
  });

  it('counts what is past the part limit instead of printing it', () => {
    const everyOther = Array.from({ length: 100 }, (_, i) => i * 2);
    expect(formatIdRanges(everyOther, 3)).toBe('0 2 4 and 97 more');
  });
});

describe('WaitProgress without a terminal', () => {
  it('numbers jobs in the order they are reported, even when several end in one poll', () => {
    const lines: string[] = [];
    const progress = new WaitProgress({ write: (text: string) => lines.push(text) } as unknown as NodeJS.WritableStream, NOW, () => NOW);
    const jobs = [makeJob({ id: 1, state: 'running' }), makeJob({ id: 2, state: 'queued' }), makeJob({ id: 3, state: 'queued' })];
    progress.update(jobs);
    progress.update([makeJob({ id: 1, state: 'succeeded', exit_code: 0 }), makeJob({ id: 2, state: 'failed', exit_code: 1 }), jobs[2]]);
    progress.update([makeJob({ id: 1, state: 'succeeded', exit_code: 0 }), makeJob({ id: 2, state: 'failed', exit_code: 1 }), makeJob({ id: 3, state: 'cancelled' })]);
    expect(lines.join('')).toBe('job 1 succeeded (exit 0) [1/3]\njob 2 failed (exit 1) [2/3]\njob 3 cancelled [3/3]\n');
  });
});
