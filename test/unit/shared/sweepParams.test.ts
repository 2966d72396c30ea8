import { describe, expect, it } from 'vitest';
import { MAX_PARAM_VALUES, ValidationError, parseParamSpec, parseParamValues } from '../../../src/shared';
import { parseParam } from '../../../src/cli/sweep/parseParam';
import { paramsFromRows } from '../../../src/renderer/src/logic/params';

/**
 * The one table for parameter values: the CLI's `--param` and the console's parameter rows both
 * read values with parseParamValues, and each row is checked through both faces below.
 */
const ACCEPTED: Array<[string, Array<string | number>]> = [
  ['1e-3,3e-4', ['1e-3', '3e-4']],
  ['1e-3, 3e-4', ['1e-3', '3e-4']],
  ['32,64,0.5,-1', [32, 64, 0.5, -1]],
  ['adam,007,1.,sgd,1.0.2', ['adam', '007', '1.', 'sgd', '1.0.2']],
  ['true,false', ['true', 'false']],
  ['1..5', [1, 2, 3, 4, 5]],
  ['1..10..2', [1, 3, 5, 7, 9]],
  ['0..100..50', [0, 50, 100]],
  ['1..3,10', [1, 2, 3, 10]],
  ['-2..0', [-2, -1, 0]],
  ['4..4', [4]],
  ['a=b', ['a=b']],
];

const REFUSED: Array<[string, RegExp]> = [
  ['', /no values/],
  ['1,,2', /empty value in the list/],
  ['1,', /empty value/],
  ['1..', /is not a range/],
  ['a..b', /is not a range/],
  ['1.5..3', /is not a range/],
  ['1..2..3..4', /is not a range/],
  ['5..1', /is empty \(END is below START\)/],
  ['3..1', /is empty/],
  ['1..5..0', /step 0 .* must be positive/],
  ['1..5..-1', /must be positive/],
  [`1..${MAX_PARAM_VALUES + 1}`, /at most/],
];

describe('parseParamValues', () => {
  it.each(ACCEPTED)('reads %j the same in the CLI and the console', (text, values) => {
    expect(parseParamValues(text)).toEqual(values);
    expect(parseParam(`p=${text}`).values).toEqual(values);
    expect(paramsFromRows([{ name: 'p', values: text }])).toEqual({ p: values });
  });

  it.each(REFUSED)('refuses %j in the CLI and the console with a message saying what is wrong', (text, message) => {
    expect(() => parseParamValues(text)).toThrow(ValidationError);
    expect(() => parseParamValues(text)).toThrow(message);
    expect(() => parseParam(`p=${text}`)).toThrow(text === '' ? /no values after "="/ : message);
    expect(() => paramsFromRows([{ name: 'p', values: text || ' ' }])).toThrow(/parameter p: /);
  });
});

describe('parseParamSpec', () => {
  it.each([
    ['lr', /expected NAME=VALUES/],
    ['=1,2', /is not a parameter name/],
    ['1x=3', /is not a parameter name/],
    ['lr=', /no values after "="/],
  ])('refuses %s naming what is wrong', (spec, message) => {
    expect(() => parseParamSpec(spec)).toThrow(message);
  });

  it('keeps everything after the first = as values', () => {
    expect(parseParamSpec('flag=a=b')).toEqual({ name: 'flag', values: ['a=b'] });
  });
});
