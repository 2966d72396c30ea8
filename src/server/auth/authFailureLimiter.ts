export interface AuthFailureLimits {
  /** Failures within the window that trigger a block. */
  maxFailures: number;
  windowMs: number;
  /** How long a blocked address gets 429 on every authenticated route. */
  blockMs: number;
}

const DEFAULT_LIMITS: AuthFailureLimits = { maxFailures: 20, windowMs: 60_000, blockMs: 60_000 };
/** Addresses remembered at most; the oldest are forgotten first, so a spray of addresses cannot exhaust memory. */
const MAX_TRACKED = 10_000;

interface AddressHistory {
  failures: number[];
  blockedUntil: number;
}

/** Counts failed authentications per client address and blocks an address that guesses too often. */
export class AuthFailureLimiter {
  private readonly byAddress = new Map<string, AddressHistory>();

  constructor(
    private readonly limits: AuthFailureLimits = DEFAULT_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  isBlocked(address: string): boolean {
    const record = this.byAddress.get(address);
    return record !== undefined && record.blockedUntil > this.now();
  }

  recordFailure(address: string): void {
    const now = this.now();
    const record = this.byAddress.get(address) ?? { failures: [], blockedUntil: 0 };
    record.failures = record.failures.filter((at) => at > now - this.limits.windowMs);
    record.failures.push(now);
    if (record.failures.length >= this.limits.maxFailures) {
      record.blockedUntil = now + this.limits.blockMs;
      record.failures = [];
    }
    this.byAddress.delete(address);
    this.byAddress.set(address, record);
    if (this.byAddress.size > MAX_TRACKED) {
      const oldest = this.byAddress.keys().next().value;
      if (oldest !== undefined) this.byAddress.delete(oldest);
    }
  }
}
