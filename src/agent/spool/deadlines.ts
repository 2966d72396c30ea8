/** A wake-up added to Deadlines; cancel() when the wait ended otherwise, so the timer need not come back for it. */
export interface Deadline {
  cancel(): void;
}

const nothing = (): void => undefined;

/** A class, not an object with a closure per wait: one fewer function made (and named) per job. */
class Entry implements Deadline {
  live = true;

  constructor(
    readonly at: number,
    public wake: () => void,
  ) {}

  cancel(): void {
    this.live = false;
    // What the wait's resolve holds goes now, not when the timer passes the entry.
    this.wake = nothing;
  }
}

/**
 * Wake-ups at deadlines on one timer: the next live deadline's. A wake-up is a resolve that may have
 * run already (its wait ended otherwise); running it again does nothing. Per job, the agent waits at
 * most a while for each result to be delivered, and nearly every wait ends within milliseconds: a
 * timer armed and cleared per job (with a promise raced against it) cost more than this list, and so
 * did waking for each ended wait in turn and filtering the list each time (~2% of the agent's CPU per
 * job, bench/README.md, e2e.agent.cpu_ms_per_job). Entries are kept in deadline order, and one whose
 * wait was cancelled is dropped when the timer comes, which it does only for a live one.
 */
export class Deadlines {
  /** In deadline order; cancelled entries stay until the timer passes them. */
  private entries: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  add(at: number, wake: () => void): Deadline {
    const entry = new Entry(at, wake);
    // Deadlines are mostly added in order (now plus the same timeout); the clock going back is the exception.
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1].at > at) i--;
    if (i === this.entries.length) this.entries.push(entry);
    else this.entries.splice(i, 0, entry);
    if (at < this.timerAt) this.arm(at);
    return entry;
  }

  /** Forgets every deadline without waking anyone (their waits end otherwise). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    this.entries = [];
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    // Unref'd: a wait that nothing else keeps the agent up for need not either (as a per-wait timer would).
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - Date.now())).unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let passed = 0;
    const due: Entry[] = [];
    for (const entry of this.entries) {
      if (entry.live && entry.at > now) break;
      passed++;
      if (entry.live) due.push(entry);
    }
    this.entries.splice(0, passed);
    for (const entry of due) entry.wake();
    // The first entry left is live (cancelled ones before it were passed): the next wake-up.
    if (this.entries.length > 0) this.arm(this.entries[0].at);
  }
}
