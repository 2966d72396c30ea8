import { SuiteClosedEvent, SuiteCreatedEvent, SuiteHookEvent, type QueueEvent, type Suite } from '../../../shared';

/** What a batch of live events means for the Suites page. */
export interface SuiteEventEffect {
  /** The list's suites or their counters changed: fetch it again. */
  reloadList: boolean;
  /** Suites with a new hook run to show. */
  hookRunsOf: Set<number>;
}

const SUITE_DATA = { 'suite.created': SuiteCreatedEvent, 'suite.closed': SuiteClosedEvent, 'suite.hook': SuiteHookEvent } as const;

/** Whether some suite's counters can still move: it takes jobs, or has some not yet ended. */
export function suitesInFlight(suites: readonly Suite[]): boolean {
  return suites.some((s) => s.state === 'open' || s.counts.waiting + s.counts.queued + s.counts.running > 0);
}

/**
 * Suite events name their suite; job events do not (the database keeps a suite's counters by
 * trigger, and the job transitions stay as they are), so any job moving reloads the list while a
 * suite can count it. The page throttles the reloads.
 */
export function suiteEventEffect(events: readonly QueueEvent[], inFlight: boolean): SuiteEventEffect {
  const effect: SuiteEventEffect = { reloadList: false, hookRunsOf: new Set() };
  for (const event of events) {
    if (event.type in SUITE_DATA) {
      const data = SUITE_DATA[event.type as keyof typeof SUITE_DATA].safeParse(event.data);
      // A shape this page does not know (a newer coordinator) still means the list changed.
      effect.reloadList = true;
      if (data.success && event.type === 'suite.hook') effect.hookRunsOf.add(data.data.suite_id);
    } else if (inFlight && event.job_id !== null) {
      effect.reloadList = true;
    }
  }
  return effect;
}
