import { describe, expect, it } from 'vitest';
import { quoteArg } from '../../../src/shared';
import { commandText, jobRuntime, splitArgs } from '../../../src/renderer/src/logic/format';
import { paramsFromRows, placeholders } from '../../../src/renderer/src/logic/params';
import { goSequence, matchRoute } from '../../../src/renderer/src/logic/routes';
import { throughputBuckets } from '../../../src/renderer/src/logic/throughput';
import { metricCharts } from '../../../src/renderer/src/logic/metrics';
import { bulkSummary, runBulk } from '../../../src/renderer/src/logic/bulk';
import { reconnectDelay } from '../../../src/renderer/src/api/reconnectDelay';
import { newLogBytes, decodeBase64 } from '../../../src/renderer/src/api/logBytes';
import { resolveSession } from '../../../src/renderer/src/api/session';

describe('splitArgs', () => {
  it('splits words and keeps quoted text as one argument without expanding anything', () => {
    expect(splitArgs(`python train.py --name "my run" --glob '*.pt' $HOME`)).toEqual(['python', 'train.py', '--name', 'my run', '--glob', '*.pt', '$HOME']);
  });
  it('keeps an empty quoted argument and backslash escapes', () => {
    expect(splitArgs(`a "" b\\ c "x\\"y"`)).toEqual(['a', '', 'b c', 'x"y']);
  });
  it('refuses an unclosed quote', () => {
    expect(() => splitArgs(`echo 'oops`)).toThrow(/unclosed/);
  });
  it('round-trips through quoteArg', () => {
    const argv = ['sh', '-c', `echo "it's" $X`, ''];
    expect(splitArgs(argv.map(quoteArg).join(' '))).toEqual(argv);
  });
});

describe('formatting', () => {
  it('shows a shell command as written and argv quoted where needed', () => {
    expect(commandText({ shell: 'a | b' })).toBe('a | b');
    expect(commandText(['echo', 'hello world'])).toBe(`echo 'hello world'`);
  });
  it('counts a running job up to now', () => {
    expect(jobRuntime({ state: 'running', started_at: 1000, finished_at: null }, 61_000)).toBe('1m00s');
    expect(jobRuntime({ state: 'queued', started_at: null, finished_at: null })).toBe('—');
  });
});

describe('parameter values', () => {
  it('names the parameter row that is wrong', () => {
    expect(() => paramsFromRows([{ name: 'lr', values: '' }])).toThrow('parameter lr: no values');
    expect(() => paramsFromRows([{ name: '', values: '1' }])).toThrow(/no name/);
    expect(paramsFromRows([{ name: 'lr', values: '1,2' }, { name: '', values: '' }])).toEqual({ lr: [1, 2] });
  });
  it('finds placeholders in order of first use', () => {
    expect(placeholders('train --lr {lr} --seed {seed} --tag {lr} {}')).toEqual(['lr', 'seed']);
  });
});

describe('routes and shortcuts', () => {
  it('matches every page path', () => {
    expect(matchRoute('/')).toEqual({ page: 'overview' });
    expect(matchRoute('/jobs/')).toEqual({ page: 'jobs' });
    expect(matchRoute('/jobs/42')).toEqual({ page: 'job', id: 42 });
    expect(matchRoute('/terminal')).toEqual({ page: 'terminal' });
    expect(matchRoute('/nope')).toEqual({ page: 'not_found', path: '/nope' });
  });
  it('completes g-sequences and ignores stray keys', () => {
    expect(goSequence(null, 'g')).toBe('pending');
    expect(goSequence('g', 'j')).toBe('/jobs');
    expect(goSequence('g', 'q')).toBeNull();
    expect(goSequence(null, 'j')).toBeNull();
  });
});

describe('throughput', () => {
  it('puts finishes in 5-minute buckets over the last hour, empty buckets included', () => {
    const now = 10 * 3600_000;
    const buckets = throughputBuckets([{ at: now - 1000, ok: true }, { at: now - 2000, ok: false }, { at: now - 2 * 3600_000, ok: true }], now);
    expect(buckets).toHaveLength(12);
    expect(buckets[11]).toMatchObject({ succeeded: 1, failed: 1 });
    expect(buckets.slice(0, 11).every((b) => b.succeeded + b.failed === 0)).toBe(true);
  });
});

describe('metric charts', () => {
  it('draws one chart per name with a line per attempt, ordering steps', () => {
    const charts = metricCharts([
      { attempt: 1, step: 2, name: 'loss', value: 0.5, at: 2 },
      { attempt: 1, step: 1, name: 'loss', value: 0.9, at: 1 },
      { attempt: 2, step: 1, name: 'loss', value: 0.8, at: 3 },
      { attempt: 1, step: null, name: 'acc', value: 0.1, at: 1 },
      { attempt: 1, step: null, name: 'acc', value: 0.2, at: 2 },
    ]);
    expect(charts.map((c) => c.name)).toEqual(['acc', 'loss']);
    expect(charts[1].attempts).toEqual([1, 2]);
    expect(charts[1].rows).toEqual([{ step: 1, a1: 0.9, a2: 0.8 }, { step: 2, a1: 0.5 }]);
    expect(charts[0].rows).toEqual([{ step: 0, a1: 0.1 }, { step: 1, a1: 0.2 }]);
  });
});

describe('bulk actions', () => {
  it('applies the action to every job and reports each refusal without stopping', async () => {
    const result = await runBulk([1, 2, 3], async (id) => {
      if (id === 2) throw new Error('job 2 is running');
    }, (e) => (e as Error).message, 2);
    expect(result.done.sort()).toEqual([1, 3]);
    expect(result.refused).toEqual([{ id: 2, message: 'job 2 is running' }]);
    expect(bulkSummary('Cancelled', result)).toBe('Cancelled 2 jobs; 1 refused (#2: job 2 is running)');
  });
});

describe('reconnect backoff', () => {
  it('doubles up to a ceiling and never goes below half of it', () => {
    expect(reconnectDelay(0, () => 0)).toBe(250);
    expect(reconnectDelay(0, () => 1)).toBe(500);
    expect(reconnectDelay(3, () => 1)).toBe(4000);
    expect(reconnectDelay(30, () => 1)).toBe(30_000);
  });
});

describe('log bytes', () => {
  it('drops bytes a resumed stream repeats', () => {
    const bytes = decodeBase64(Buffer.from('hello world').toString('base64'));
    expect(newLogBytes(0, 0, bytes)).toBe(bytes);
    expect(newLogBytes(11, 0, bytes)).toBeNull();
    expect(Buffer.from(newLogBytes(6, 0, bytes) ?? []).toString()).toBe('world');
    expect(newLogBytes(6, 11, bytes)).toBe(bytes);
  });
});

describe('session', () => {
  it('takes the token from the address, stores it and removes it from the address bar', () => {
    const result = resolveSession({ preload: undefined, href: 'http://127.0.0.1:7878/jobs?token=abc&state=running#x', stored: null });
    expect(result.session).toEqual({ serverUrl: 'http://127.0.0.1:7878', token: 'abc', embedded: false });
    expect(result.store).toBe('abc');
    expect(result.cleanHref).toBe('/jobs?state=running#x');
  });
  it('falls back to the token kept in sessionStorage, and asks for none when there is none', () => {
    expect(resolveSession({ preload: undefined, href: 'http://h/', stored: 's' }).session.token).toBe('s');
    expect(resolveSession({ preload: undefined, href: 'http://h/', stored: null }).session.token).toBeNull();
  });
  it("uses Electron's preload when present", () => {
    const result = resolveSession({ preload: { serverUrl: 'http://127.0.0.1:9', token: 't' }, href: 'file:///app/index.html?token=x', stored: null });
    expect(result.session).toEqual({ serverUrl: 'http://127.0.0.1:9', token: 't', embedded: true });
    expect(result.cleanHref).toBeNull();
  });
});
