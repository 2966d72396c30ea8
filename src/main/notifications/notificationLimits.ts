/**
 * How often the desktop may speak: one showing per notification key per `dedupeMs`, and at most
 * `maxPerWindow` failure notifications per `windowMs`. Failures over the limit are counted and
 * come back as one summary when the window has room again.
 */
export interface NotificationLimitsOptions {
  now: () => number;
  windowMs: number;
  maxPerWindow: number;
  dedupeMs: number;
}

export interface NotificationLimits {
  /** True the first time `key` is seen within `dedupeMs`; remembers it. */
  firstShowing(key: string): boolean;
  /** Takes a slot in the rate window for one failure; false (and counted) when the window is full. */
  admitFailure(): boolean;
  /** Failures held back, if the window now has room for their summary (the count is then reset). */
  takeSuppressed(): number;
}

export function createNotificationLimits(options: NotificationLimitsOptions): NotificationLimits {
  const { now, windowMs, maxPerWindow, dedupeMs } = options;
  const shownAt = new Map<string, number>();
  let recentFailures: number[] = [];
  let suppressed = 0;

  const takeSlot = (): boolean => {
    const t = now();
    recentFailures = recentFailures.filter((at) => t - at < windowMs);
    if (recentFailures.length >= maxPerWindow) return false;
    recentFailures.push(t);
    return true;
  };

  return {
    firstShowing(key) {
      const t = now();
      const last = shownAt.get(key);
      if (last !== undefined && t - last < dedupeMs) return false;
      shownAt.set(key, t);
      for (const [k, at] of shownAt) if (t - at >= dedupeMs) shownAt.delete(k);
      return true;
    },
    admitFailure() {
      if (takeSlot()) return true;
      suppressed++;
      return false;
    },
    takeSuppressed() {
      if (suppressed === 0 || !takeSlot()) return 0;
      const n = suppressed;
      suppressed = 0;
      return n;
    },
  };
}
