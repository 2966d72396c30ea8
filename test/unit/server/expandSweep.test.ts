import { describe, expect, it } from 'vitest';
import { countSweep, expandSweep, sweepJobName, ValidationError } from '../../../src/shared';

describe('expandSweep', () => {
  it('takes every combination in grid mode, the first parameter varying slowest', () => {
    const points = expandSweep(['train.py', '--lr', '{lr}', '--seed={seed}'], { lr: ['1e-3', '3e-4'], seed: [1, 2, 3] }, 'grid');
    expect(points.map((p) => p.argv.join(' '))).toEqual([
      'train.py --lr 1e-3 --seed=1',
      'train.py --lr 1e-3 --seed=2',
      'train.py --lr 1e-3 --seed=3',
      'train.py --lr 3e-4 --seed=1',
      'train.py --lr 3e-4 --seed=2',
      'train.py --lr 3e-4 --seed=3',
    ]);
    expect(points[4].params).toEqual({ lr: '3e-4', seed: 2 });
  });

  it('pairs the i-th values in zip mode', () => {
    const points = expandSweep(['run', '{a}', '{b}'], { a: [1, 2], b: [true, false] }, 'zip');
    expect(points.map((p) => p.argv)).toEqual([['run', '1', 'true'], ['run', '2', 'false']]);
  });

  it('refuses zip lists of unequal length, naming the parameter', () => {
    const call = () => expandSweep(['run', '{a}', '{b}'], { a: [1, 2], b: [1] }, 'zip');
    expect(call).toThrow(ValidationError);
    expect(call).toThrow(/b has 1 values/);
  });

  it('refuses a placeholder that is not a parameter, naming it', () => {
    expect(() => expandSweep(['run', '--x={nope}'], { a: [1] }, 'grid')).toThrow(/\{nope\}/);
  });

  it('keeps a value with spaces and quotes as one argv element', () => {
    const [point] = expandSweep(['echo', '{msg}'], { msg: [`it's "quoted" ; rm -rf /`] }, 'grid');
    expect(point.argv).toEqual(['echo', `it's "quoted" ; rm -rf /`]);
  });

  it('leaves braces that are not placeholders alone', () => {
    const [point] = expandSweep(['cfg', '{"lr": {lr}}', '{}', '{ lr }'], { lr: [0.1] }, 'grid');
    expect(point.argv).toEqual(['cfg', '{"lr": 0.1}', '{}', '{ lr }']);
  });

  it('does not re-expand placeholders that appear inside a value', () => {
    const [point] = expandSweep(['{a}{b}'], { a: ['{b}'], b: ['x'] }, 'grid');
    expect(point.argv).toEqual(['{b}x']);
  });

  it('yields the template once when there are no parameters', () => {
    expect(expandSweep(['true'], {}, 'grid')).toEqual([{ argv: ['true'], params: {} }]);
  });

  it('stops after the limit while still checking the whole sweep', () => {
    expect(expandSweep(['x', '{a}'], { a: [1, 2, 3] }, 'grid', 2)).toHaveLength(2);
    expect(() => expandSweep(['x'], { a: [1, 2], b: [1] }, 'zip', 1)).toThrow(ValidationError);
  });
});

describe('countSweep', () => {
  it('multiplies list lengths in grid mode and takes the common length in zip mode', () => {
    expect(countSweep({ a: [1, 2], b: [1, 2, 3] }, 'grid')).toBe(6);
    expect(countSweep({ a: [1, 2], b: [3, 4] }, 'zip')).toBe(2);
  });

  it('refuses more than 100,000 jobs without expanding them', () => {
    const thousand = Array.from({ length: 1000 }, (_, i) => i);
    expect(() => countSweep({ a: thousand, b: thousand, c: thousand }, 'grid')).toThrow(/more than 100000 jobs/);
  });
});

describe('sweepJobName', () => {
  it('joins the base name and each parameter as name=value', () => {
    expect(sweepJobName('train', { lr: '1e-3', seed: 1 })).toBe('train lr=1e-3 seed=1');
  });
});
