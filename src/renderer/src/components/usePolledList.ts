import { useCallback, useEffect, useState } from 'react';
import { describeError } from '../api/client';

export interface PolledList<T> {
  items: T[];
  busy: boolean;
  error: string | null;
  /** Runs an action with the page busy, shows its error, and reloads the list after it. */
  run<R>(work: () => Promise<R>): Promise<R | undefined>;
  /** Changes the list in place (live events); stable across renders. */
  update(change: (items: T[]) => T[]): void;
}

/**
 * A list the coordinator changes on its own (hosts, Slurm pilots): loaded now and every
 * `intervalMs` (null: loaded now only, the page follows events), with the busy flag and error line
 * its page's actions share. `load` must be stable.
 */
export function usePolledList<T>(load: () => Promise<T[]>, intervalMs: number | null): PolledList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      setItems(await load());
    } catch (err) {
      setError(describeError(err).message);
    }
  }, [load]);

  useEffect(() => {
    void refresh();
    if (intervalMs === null) return undefined;
    const timer = setInterval(() => void refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [refresh, intervalMs]);

  const run = async <R,>(work: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (err) {
      setError(describeError(err).message);
      return undefined;
    } finally {
      setBusy(false);
      void refresh();
    }
  };

  return { items, busy, error, run, update: setItems };
}
