import type { AgentLogger } from '../logger';
import type { SuiteEnvironments } from './suiteEnvironments';

/** Asks every `intervalMs` which set-up suites the coordinator is done with (a no-op while none is set up). Returns a stop function. */
export function startSuitePolling(suites: SuiteEnvironments, intervalMs: number, logger: AgentLogger): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (): void => {
    timer = setTimeout(() => {
      suites
        .poll()
        .catch((error: unknown) => logger.warn('asking which suites to clean up failed', { error: String(error) }))
        .finally(() => !stopped && schedule());
    }, intervalMs);
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
