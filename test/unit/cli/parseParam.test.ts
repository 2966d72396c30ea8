import { describe, expect, it } from 'vitest';
import { CliError, EXIT } from '../../../src/cli/exitCodes';
import { parseParam, parseParams } from '../../../src/cli/sweep/parseParam';

// The values themselves are pinned by the shared table in test/unit/shared/sweepParams.test.ts.
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
  it('reports a bad value as a usage error naming the flag', () => {
    expect(usageMessage(() => parseParam('seed=5..1'))).toBe('--param seed=5..1: range "5..1" is empty (END is below START); write 1..5');
  });

  it('reports a bad name as a usage error naming the flag', () => {
    expect(usageMessage(() => parseParam('1x=3'))).toMatch(/^--param 1x=3: "1x" is not a parameter name/);
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
