/**
 * Wake-ups at deadlines on one timer: the next deadline's. A wake-up is a resolve that may have
 * run already (its wait ended otherwise); running it again does nothing, so none is ever removed
 * early. Per job, the agent waits at most a while for each result to be delivered; one timer
 * armed and cleared per job (with a promise raced against it) cost more than this list.
 */
export class Deadlines {
  private entries: Array<{ at: number; wake: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;

  add(at: number, wake: () => void): void {
    this.entries.push({ at, wake });
    if (at < this.timerAt) this.arm(at);
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
    const due = this.entries.filter((entry) => entry.at <= now);
    this.entries = this.entries.filter((entry) => entry.at > now);
    for (const { wake } of due) wake();
    if (this.entries.length > 0) this.arm(Math.min(...this.entries.map((entry) => entry.at)));
  }
}
