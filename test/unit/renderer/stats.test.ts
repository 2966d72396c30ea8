import { describe, expect, it } from 'vitest';
import { matchRoute } from '../../../src/renderer/src/logic/routes';
import { gpuHourBars, jobFlowRows } from '../../../src/renderer/src/logic/stats';

const HOUR = 3_600_000;

describe('statistics page logic', () => {
  it('routes /statistics to the Statistics page', () => {
    expect(matchRoute('/statistics')).toEqual({ page: 'statistics' });
  });

  it('fills quiet hours with zeros so each series has one point per hour of the period', () => {
    const since = 10 * HOUR + 123;
    const rows = jobFlowRows({ since, until: 13 * HOUR, jobs_per_hour: [{ hour: 11 * HOUR, counts: { submitted: 5, succeeded: 2 } }] });
    expect(rows.map((r) => r.hour)).toEqual([10 * HOUR, 11 * HOUR, 12 * HOUR, 13 * HOUR]);
    expect(rows[1]).toEqual({ hour: 11 * HOUR, submitted: 5, succeeded: 2, failed: 0, cancelled: 0, blocked: 0 });
    expect(rows[0].submitted).toBe(0);
  });

  it('splits each group into busy and idle GPU-hours', () => {
    expect(gpuHourBars({ groups: [{ key: 'vision', gpu_hours: 10.004, idle_gpu_hours: 2.5, attempts: 3 }] })).toEqual([{ key: 'vision', busy: 7.5, idle: 2.5 }]);
  });
});
