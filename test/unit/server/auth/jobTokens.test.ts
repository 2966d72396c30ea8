import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createJobTokens, loadJobTokenSecret } from '../../../../src/server/auth/jobTokens';

describe('job tokens', () => {
  const tokens = createJobTokens(Buffer.alloc(32, 7));

  it('reads back the job and attempt a token was issued for', () => {
    expect(tokens.read(tokens.issue(42, 3))).toEqual({ jobId: 42, attempt: 3 });
  });

  it('refuses a token whose job or attempt was changed', () => {
    const [, signature] = tokens.issue(42, 3).split('.3.');
    expect(tokens.read(`gjob_43.3.${signature}`)).toBeNull();
    expect(tokens.read(`gjob_42.4.${signature}`)).toBeNull();
  });

  it('refuses a token signed with another secret', () => {
    expect(tokens.read(createJobTokens(Buffer.alloc(32, 8)).issue(42, 3))).toBeNull();
  });

  it.each(['', 'gjob_', 'gjob_1.1.', 'gadm_abc', 'gjob_1.1.' + 'A'.repeat(10_000), 'gjob_1.1.\u0000'])('refuses malformed token %#', (token) => {
    expect(tokens.read(token)).toBeNull();
  });

  it('keeps the secret of a data dir across loads, in a 0600 file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-secret-'));
    const first = loadJobTokenSecret(dir);
    expect(loadJobTokenSecret(dir).equals(first)).toBe(true);
    expect(statSync(join(dir, 'job-token-secret')).mode & 0o777).toBe(0o600);
  });
});
