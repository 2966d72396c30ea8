import { describe, expect, it } from 'vitest';
import { parseMetricLine } from '../../../../src/agent/jobs/metricLines';

describe('parseMetricLine', () => {
  it('places every number of a line at its step and epoch', () => {
    expect(parseMetricLine('::metric {"step": 10, "epoch": 2, "loss": 0.31, "acc": 0.9}', 5)).toEqual([
      { step: 10, epoch: 2, name: 'loss', value: 0.31, at: 5 },
      { step: 10, epoch: 2, name: 'acc', value: 0.9, at: 5 },
    ]);
  });

  it('leaves the epoch out when it is not a whole number from 0', () => {
    expect(parseMetricLine('::metric {"epoch": 1.5, "loss": 1}', 5)).toEqual([{ step: null, epoch: null, name: 'loss', value: 1, at: 5 }]);
    expect(parseMetricLine('::metric {"epoch": -1, "loss": 1}', 5)).toEqual([{ step: null, epoch: null, name: 'loss', value: 1, at: 5 }]);
  });
});
