import type { Coordinator } from '../../../core';

interface Pending {
  fn: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for agents' results: finish-and-claim requests whose bodies were read in the same
 * turn of the event loop (several agents' results arriving together) run in one transaction, so
 * they share one BEGIN, one COMMIT and the WAL pages they both touch. The group runs in the check
 * phase of that same turn, after every socket the poll found readable was read, so no request waits
 * for a later turn. A lone request runs by itself, as before.
 *
 * No savepoint per request (each costs statements and a sub-journal): if one request throws, the
 * shared transaction rolls back whole and every request of the group runs again alone, so only the
 * one that throws fails. The work handed in is coordinator transitions, deterministic in the
 * database's state, and nothing was committed, so running it again is safe.
 */
export class GroupCommit {
  private pending: Pending[] = [];
  /** Groups committed together, the requests in them, and groups rolled back and run again alone. */
  readonly stats = { grouped: 0, groups: 0, rerun: 0 };

  constructor(
    private readonly coordinator: Pick<Coordinator, 'inOneTransaction'>,
    /** Told of each group once it ran: its size, and whether it shared one transaction (false: each ran alone). */
    private readonly onGroup: (count: number, shared: boolean) => void = () => undefined,
  ) {}

  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.pending.length === 0) setImmediate(() => this.flush());
      this.pending.push({ fn, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private flush(): void {
    const group = this.pending;
    this.pending = [];
    if (group.length > 1 && this.runTogether(group)) return this.onGroup(group.length, true);
    this.onGroup(group.length, false);
    for (const { fn, resolve, reject } of group) {
      try {
        resolve(fn());
      } catch (error) {
        reject(error);
      }
    }
  }

  /** True when the whole group committed and each request got its answer; false after a rollback. */
  private runTogether(group: Pending[]): boolean {
    let values: unknown[];
    try {
      values = this.coordinator.inOneTransaction(() => group.map(({ fn }) => fn()));
    } catch {
      this.stats.rerun++;
      return false;
    }
    this.stats.groups++;
    this.stats.grouped += group.length;
    group.forEach(({ resolve }, i) => resolve(values[i]));
    return true;
  }
}
