import { describe, expect, it } from 'vitest';
import { formatCommand, formatDuration, quoteArg, quoteArgv } from '../../../src/shared';

describe('formatDuration', () => {
  it.each([
    [0, '0.0s'],
    [1_234, '1.2s'],
    [4_200, '4.2s'],
    [9_999, '9.9s'],
    [42_000, '42s'],
    [60_000, '1m00s'],
    [125_000, '2m05s'],
    [184_000, '3m04s'],
    [7_500_000, '2h05m'],
    [3 * 3_600_000 + 60_000, '3h01m'],
    [47 * 3_600_000, '47h00m'],
    [50 * 3_600_000, '2d02h'],
    [-5, '-'],
    [Number.NaN, '-'],
  ])('prints %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('quoteArg', () => {
  it.each([
    ['--lr=1e-3', '--lr=1e-3'],
    ['a b', `'a b'`],
    [`it's`, `'it'\\''s'`],
    ['', `''`],
    ['$HOME', `'$HOME'`],
  ])('quotes %j as %s', (arg, quoted) => {
    expect(quoteArg(arg)).toBe(quoted);
  });

  it('joins an argv and shows a shell string as sh -c', () => {
    expect(quoteArgv(['echo', 'hello world'])).toBe(`echo 'hello world'`);
    expect(formatCommand(['echo', 'hi'])).toBe('echo hi');
    expect(formatCommand({ shell: 'a | b' })).toBe(`sh -c 'a | b'`);
  });
});
