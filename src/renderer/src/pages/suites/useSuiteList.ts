import { useCallback, useEffect, useRef, useState } from 'react';
import type { Suite } from '../../../../shared';
import { api, describeError } from '../../api/client';
import { onEvents } from '../../api/live';
import { suiteEventEffect, suitesInFlight } from '../../logic/suiteEvents';
import { useConnection } from '../../stores/connection';

/** Job events come by the thousand when a sweep ends; the list is fetched at most this often. */
const RELOAD_THROTTLE_MS = 300;

export interface SuiteList {
  suites: Suite[];
  error: string | null;
  setError(message: string | null): void;
  reload(): Promise<void>;
  /** Bumped per suite when it has a new hook run, so its detail fetches them again. */
  hookRunsVersion: ReadonlyMap<number, number>;
}

/**
 * The suites, kept current by the live events rather than a poll: suite.* events and, while a suite
 * can count them, job events reload the list; a socket that opens again (after an outage, where
 * events may have been skipped) reloads it too.
 */
export function useSuiteList(): SuiteList {
  const [suites, setSuites] = useState<Suite[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [hookRunsVersion, setHookRunsVersion] = useState<ReadonlyMap<number, number>>(new Map());
  const inFlight = useRef(false);
  const status = useConnection((s) => s.status);

  const reload = useCallback(async () => {
    try {
      const list = await api().call('listSuites');
      inFlight.current = suitesInFlight(list);
      setSuites(list);
    } catch (err) {
      setError(describeError(err).message);
    }
  }, []);

  const open = status === 'open';
  useEffect(() => {
    void reload();
  }, [reload, open]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = onEvents((events) => {
      const effect = suiteEventEffect(events, inFlight.current);
      if (effect.hookRunsOf.size > 0) {
        setHookRunsVersion((current) => {
          const next = new Map(current);
          for (const id of effect.hookRunsOf) next.set(id, (next.get(id) ?? 0) + 1);
          return next;
        });
      }
      if (!effect.reloadList) return;
      timer ??= setTimeout(() => {
        timer = null;
        void reload();
      }, RELOAD_THROTTLE_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [reload]);

  return { suites, error, setError, reload, hookRunsVersion };
}
