import type { CoreContext } from '../context';
import type { Suites, SuitesOptions } from './api';
import { listHookRuns, readHookLog, releasedSuites, reportHook } from './hookRuns';
import { locateSuiteInput } from './suiteInputs';
import { closeIdleSuites, closeSuite, createSuite, getSuite, listSuites } from './suiteLifecycle';

export const DEFAULT_SUITE_IDLE_CLOSE_MS = 3 * 60_000;

export function createSuites(ctx: CoreContext, options: SuitesOptions): Suites {
  const idleMs = options.suiteIdleCloseMs ?? DEFAULT_SUITE_IDLE_CLOSE_MS;
  return {
    create: (input) => createSuite(ctx, input),
    list: (query) => listSuites(ctx, query),
    get: (ref) => getSuite(ctx, ref),
    close: (ref) => closeSuite(ctx, ref),
    closeIdle: () => closeIdleSuites(ctx, idleMs),
    reportHook: (workerId, report) => reportHook(ctx, workerId, report),
    hookRuns: (ref) => listHookRuns(ctx, ref),
    hookLog: (ref, runId) => readHookLog(ctx, ref, runId),
    released: (workerId) => releasedSuites(ctx, workerId),
    locateInput: (ref, position) => locateSuiteInput(ctx, ref, position),
  };
}
