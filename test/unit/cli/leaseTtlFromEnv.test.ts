import { describe, expect, it } from 'vitest';
import { leaseTtlFromEnv } from '../../../src/cli/serve/startGantry';

describe('GANTRY_LEASE_TTL_S', () => {
  it('leaves the default when unset or empty', () => {
    expect(leaseTtlFromEnv({})).toBeUndefined();
    expect(leaseTtlFromEnv({ GANTRY_LEASE_TTL_S: '' })).toBeUndefined();
  });

  it('reads seconds into milliseconds', () => {
    expect(leaseTtlFromEnv({ GANTRY_LEASE_TTL_S: '2' })).toBe(2000);
    expect(leaseTtlFromEnv({ GANTRY_LEASE_TTL_S: '1.5' })).toBe(1500);
  });

  it('refuses what is not a number of seconds, naming the variable', () => {
    for (const bad of ['0', '-3', 'abc', 'Infinity']) expect(() => leaseTtlFromEnv({ GANTRY_LEASE_TTL_S: bad })).toThrow(/GANTRY_LEASE_TTL_S/);
  });
});
