import { describe, expect, it } from 'vitest';
import { parseDeepLink, parseHandoff, routeFor } from '../../../src/main/singleInstance/handoff';

const exe = ['/opt/Gantry/gantry', '--no-sandbox', '--allow-file-access-from-files'];

describe('parseHandoff', () => {
  it('focuses the window when the second launch carries no request', () => {
    expect(parseHandoff(exe)).toEqual({ kind: 'focus' });
  });

  it.each([
    ['gantry://jobs/42'],
    ['gantry://job/42'],
    ['gantry:///jobs/42'],
    ['gantry://jobs/42/'],
  ])('opens the job named by the deep link %s', (link) => {
    expect(parseHandoff([...exe, link])).toEqual({ kind: 'openJob', jobId: 42 });
  });

  it('opens the job named by --open-job=ID and by --open-job ID', () => {
    expect(parseHandoff([...exe, '--open-job=7'])).toEqual({ kind: 'openJob', jobId: 7 });
    expect(parseHandoff([...exe, '--open-job', '8'])).toEqual({ kind: 'openJob', jobId: 8 });
  });

  it.each([['gantry://jobs/abc'], ['gantry://jobs/0'], ['gantry://jobs/-1'], ['gantry://jobs/1/../../etc'], ['gantry://workers/3'], ['--open-job=1e3'], ['--open-job=99999999999999999999']])(
    'ignores the malformed request %s and only focuses',
    (arg) => {
      expect(parseHandoff([...exe, arg])).toEqual({ kind: 'focus' });
    },
  );

  it('takes the last valid request when several are given', () => {
    expect(parseHandoff([...exe, 'gantry://jobs/1', '--open-job=2'])).toEqual({ kind: 'openJob', jobId: 2 });
  });

  it('does not treat another scheme as a deep link', () => {
    expect(parseDeepLink('https://jobs/42')).toEqual({ kind: 'focus' });
  });
});

describe('routeFor', () => {
  it('maps a job request to the renderer route and a focus to none', () => {
    expect(routeFor({ kind: 'openJob', jobId: 42 })).toBe('/jobs/42');
    expect(routeFor({ kind: 'focus' })).toBeNull();
  });
});
