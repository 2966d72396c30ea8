import { describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from '../../../../src/server/auth/authFailureLimiter';

describe('AuthFailureLimiter', () => {
  const limits = { maxFailures: 3, windowMs: 1000, blockMs: 5000 };

  it('blocks an address after too many failures within the window, and only that address', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(limits, () => now);
    for (let i = 0; i < 3; i++) limiter.recordFailure('10.0.0.1');
    expect(limiter.isBlocked('10.0.0.1')).toBe(true);
    expect(limiter.isBlocked('10.0.0.2')).toBe(false);
    now = 5001;
    expect(limiter.isBlocked('10.0.0.1')).toBe(false);
  });

  it('forgets failures older than the window', () => {
    let now = 0;
    const limiter = new AuthFailureLimiter(limits, () => now);
    limiter.recordFailure('a');
    limiter.recordFailure('a');
    now = 2000;
    limiter.recordFailure('a');
    expect(limiter.isBlocked('a')).toBe(false);
  });
});
