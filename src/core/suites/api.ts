import type { HookRun, JobInput, Suite, SuiteClosed, SuiteListQuery } from '../../shared';

export interface SuitesOptions {
  /** A suite with no new jobs and nothing waiting, queued or running closes after this long (default 3 minutes), unless it sets idle_close_s. */
  suiteIdleCloseMs?: number;
}

/** Suites (issue 16): jobs that share an environment, set up once per worker. A suite is named by id or name. */
export interface Suites {
  create(input: unknown): Suite;
  list(query?: SuiteListQuery): Suite[];
  get(ref: string | number): Suite;
  /** Takes no new jobs and cancels those not yet started (waiting, queued); running ones finish, then workers clean up. */
  close(ref: string | number): SuiteClosed;
  /** Closes suites idle long enough; the sweep calls it, tests call it with the injected clock. Returns how many closed. */
  closeIdle(): number;
  /** An agent ran a hook; a failed setup hands back the attempts listed in it and counts a strike. */
  reportHook(workerId: string, report: unknown): HookRun;
  hookRuns(ref: string | number): HookRun[];
  hookLog(ref: string | number, runId: number): Buffer;
  /** A suite's input by position and where its bytes are, for an agent staging it before the setup. */
  locateInput(ref: string | number, position: number): JobInput & { path: string };
  /** Suites this worker set up that it should now clean up. */
  released(workerId: string): number[];
}
