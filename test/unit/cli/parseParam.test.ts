import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../../src/cli/exitCodes';
import { MAX_RANGE_VALUES, parseParam, parseParams } from '../../../src/cli/sweep/parseParam';

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return (error as CliError).message;
  }
  throw new Error('expected a usage error');
}

describe('parseParam', () => {
  it('keeps list items exactly as typed when they are not plain numbers', () => {
    expect(parseParam('lr=1e-3,3e-4')).toEqual({ name: 'lr', values: ['1e-3', '3e-4'] });
  });

  it('turns list items that read back as the same number into numbers', () => {
    expect(parseParam('bs=32,64,0.5,-1')).toEqual({ name: 'bs', values: [32, 64, 0.5, -1] });
  });

  it('keeps words, leading zeros and trailing dots as strings', () => {
    expect(parseParam('opt=adam,007,1.,sgd')).toEqual({ name: 'opt', values: ['adam', '007', '1.', 'sgd'] });
  });

  it('expands an integer range inclusively', () => {
    expect(parseParam('seed=1..5').values).toEqual([1, 2, 3, 4, 5]);
  });

  it('expands a stepped range up to the last value not past the end', () => {
    expect(parseParam('n=1..10..2').values).toEqual([1, 3, 5, 7, 9]);
    expect(parseParam('n=0..100..50').values).toEqual([0, 50, 100]);
  });

  it('mixes ranges and list items', () => {
    expect(parseParam('seed=1..3,10').values).toEqual([1, 2, 3, 10]);
  });

  it('allows a range over negative integers and a one-value range', () => {
    expect(parseParam('x=-2..0').values).toEqual([-2, -1, 0]);
    expect(parseParam('x=4..4').values).toEqual([4]);
  });

  it('keeps everything after the first = as values, so values may contain =', () => {
    expect(parseParam('flag=a=b').values).toEqual(['a=b']);
  });

  it.each([
    ['lr', /expected NAME=VALUES/],
    ['=1,2', /is not a parameter name/],
    ['1x=3', /is not a parameter name/],
    ['lr=', /no values after "="/],
    ['lr=1,,2', /empty value in the list/],
    ['lr=1,', /empty value/],
    ['seed=1..', /is not a range/],
    ['seed=a..b', /is not a range/],
    ['seed=1.5..3', /is not a range/],
    ['seed=1..2..3..4', /is not a range/],
    ['seed=5..1', /is empty \(END is below START\)/],
    ['seed=1..5..0', /step 0 .* must be positive/],
    ['seed=1..5..-1', /must be positive/],
    [`seed=1..${MAX_RANGE_VALUES + 1}`, /at most/],
  ])('refuses --param %s with a message that says what is wrong', (spec, message) => {
    expect(usageMessage(() => parseParam(spec))).toMatch(message);
  });
});

describe('parseParams', () => {
  it('collects several flags into one record in order', () => {
    expect(parseParams(['lr=1e-3,3e-4', 'seed=1..2'])).toEqual({ lr: ['1e-3', '3e-4'], seed: [1, 2] });
  });

  it('refuses the same name twice rather than silently keeping one', () => {
    expect(usageMessage(() => parseParams(['lr=1', 'lr=2']))).toMatch(/given twice/);
  });
});
