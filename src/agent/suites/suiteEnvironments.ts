import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HOOK_LOG_LIMIT, type ClaimedJob, type ClaimedSuite, type GantryClient, type HookName, type HookReport } from '../../shared';
import type { JobProcessSpec, SpawnJob } from '../jobs/jobProcess';
import type { AgentLogger } from '../logger';
import { backoffDelay, type BackoffOptions } from '../spool/backoff';
import type { Outbox } from '../spool/outboxItem';
import { runHook, type HookResult } from './runHook';

/** Tries to deliver a hook report before a failed setup's attempts are reported failed instead. */
const REPORT_TRIES = 5;

/** Puts a suite's pinned inputs into its directory (stageInputs, as for a job's), writing one line per input to `log`. */
export type StageSuiteInputs = (suite: ClaimedSuite, dir: string, log: (line: string) => void, signal: AbortSignal) => Promise<unknown>;

export interface SuiteEnvironmentsOptions {
  /** Per-suite directories live here (GANTRY_SUITE_DIR), one per suite id. */
  root: string;
  client: GantryClient;
  workerId: () => string;
  spawnJob: SpawnJob;
  /** The environment hooks start from (the allow-listed part of the agent's, as jobs get). */
  baseEnv: () => Record<string, string>;
  killGraceMs: number;
  outbox: Outbox;
  logger: AgentLogger;
  retry?: BackoffOptions;
  now?: () => number;
  /** Stages the suite's inputs into its directory before the setup runs; a failure fails the setup. */
  stageInputs?: StageSuiteInputs;
}

interface Entry {
  suite: ClaimedSuite;
  /** The setup in flight, or done; null until the first job of the suite asks. */
  setup: Promise<boolean> | null;
  ready: boolean;
  /** Jobs of the suite running here now. */
  users: number;
  /** Attempts waiting on the setup in flight: handed back if it fails. */
  waiting: Array<{ job_id: number; attempt: number }>;
  /** The coordinator says the suite is done with this worker: clean up once its last job here ends. */
  released: boolean;
}

/** Variables hooks and the suite's jobs see. */
export function suiteVariables(suite: Pick<ClaimedSuite, 'id'>, dir: string): Record<string, string> {
  return { GANTRY_SUITE_ID: String(suite.id), GANTRY_SUITE_DIR: dir };
}

/**
 * The suites set up on this worker. A suite's setup runs once, before its first job here (jobs that
 * arrive meanwhile wait on the same run); a failed setup hands those jobs back and is tried again by
 * the next job (the coordinator stops sending the suite after 3 failures). Cleanup runs once the
 * coordinator releases the suite (closed, nothing left queued) and its last job here has ended, or
 * when the agent stops. Every hook run is reported with its output.
 */
export class SuiteEnvironments {
  private readonly entries = new Map<number, Entry>();
  /** Cleanups in flight: a new job of that suite sets it up again only after. */
  private readonly cleaning = new Map<number, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(private readonly options: SuiteEnvironmentsOptions) {}

  dirOf(suiteId: number): string {
    return join(this.options.root, String(suiteId));
  }

  /** Suites set up here now. */
  get setUpSuites(): number[] {
    return [...this.entries.values()].filter((entry) => entry.ready).map((entry) => entry.suite.id);
  }

  /** Resolves true once the job's suite is set up here (running its setup first if need be), false if the setup failed and the attempt was handed back. */
  async enter(claimed: ClaimedJob): Promise<boolean> {
    const suite = claimed.suite;
    if (!suite) return true;
    await this.cleaning.get(suite.id);
    let entry = this.entries.get(suite.id);
    if (!entry) this.entries.set(suite.id, (entry = { suite, setup: null, ready: false, users: 0, waiting: [], released: false }));
    if (!entry.ready) {
      entry.waiting.push({ job_id: claimed.job.id, attempt: claimed.attempt });
      entry.setup ??= this.setUp(entry);
      if (!(await entry.setup)) return false;
    }
    entry.users++;
    return true;
  }

  /** A job of the suite ended here. */
  leave(suiteId: number): void {
    const entry = this.entries.get(suiteId);
    if (!entry) return;
    entry.users--;
    if (entry.released && entry.users === 0) void this.cleanUp(entry);
  }

  /** The spawn of a job of this suite: it sees GANTRY_SUITE_ID and GANTRY_SUITE_DIR. */
  decorate(claimed: ClaimedJob, spawnJob: SpawnJob): SpawnJob {
    const suite = claimed.suite;
    if (!suite) return spawnJob;
    return (spec: JobProcessSpec) => spawnJob({ ...spec, env: { ...spec.env, ...suiteVariables(suite, this.dirOf(suite.id)) } });
  }

  /** Asks the coordinator which suites it is done with, and cleans up those no job here still uses. */
  async poll(): Promise<void> {
    if (this.setUpSuites.length === 0 || this.stopping.signal.aborted) return;
    const { release } = await this.options.client.call('workerSuites', { params: { id: this.options.workerId() } });
    for (const id of release) {
      const entry = this.entries.get(id);
      if (!entry?.ready) continue;
      entry.released = true;
      if (entry.users === 0) void this.cleanUp(entry);
    }
  }

  /** The agent is stopping: setups in flight stop (their jobs are handed back by deregistering) and no new one starts. */
  halt(): void {
    this.stopping.abort();
  }

  /** The worker stops serving every suite: each set-up suite's cleanup runs, once its jobs here have ended. */
  async cleanUpAll(): Promise<void> {
    await Promise.all([...this.entries.values()].map((entry) => entry.setup));
    await Promise.all([...this.entries.values()].filter((entry) => entry.ready).map((entry) => this.cleanUp(entry, true)));
    await Promise.all(this.cleaning.values());
  }

  private async setUp(entry: Entry): Promise<boolean> {
    const { suite } = entry;
    const dir = this.dirOf(suite.id);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const result = await this.stagedThenSetUp(suite, dir);
    if (this.stopping.signal.aborted && result.outcome !== 'succeeded') {
      entry.setup = null;
      return false;
    }
    const ok = result.outcome === 'succeeded';
    const handedBack = ok ? [] : entry.waiting;
    entry.waiting = [];
    // A failed setup is done with before its report goes out: the report hands the attempts back,
    // and the coordinator may send one of them (or another job of the suite) again before its reply
    // comes here. That job must start a new setup; waiting on this one, it would be in no hand-back
    // and hold its lease forever (the agent suites test's third setup that never ran, under load).
    if (!ok) entry.setup = null;
    this.options.logger[ok ? 'info' : 'warn']('suite setup ended', { suite_id: suite.id, outcome: result.outcome, error: result.error, handed_back: handedBack.length });
    const reported = await this.report('setup', suite.id, result, handedBack);
    if (!reported) {
      // The coordinator never heard of the failure: end the attempts here so they do not hold their leases forever.
      for (const { job_id, attempt } of handedBack) this.options.outbox.push({ kind: 'finish', job_id, attempt, outcome: 'failed', exit_code: null, error: `the setup of suite ${suite.name} failed: ${result.error}` });
    }
    if (ok) entry.ready = true;
    return ok;
  }

  /**
   * The suite's inputs staged into its directory, then its setup: what staging printed leads the
   * setup's output, and a staging that fails is the setup failing (its hook never runs).
   */
  private async stagedThenSetUp(suite: ClaimedSuite, dir: string): Promise<HookResult> {
    const { stageInputs } = this.options;
    if (!stageInputs || !suite.inputs?.length) return suite.setup ? this.run('setup', suite, dir) : this.noHook();
    const now = this.options.now ?? Date.now;
    const startedAt = now();
    const lines: string[] = [];
    try {
      await stageInputs(suite, dir, (line) => lines.push(line), this.stopping.signal);
    } catch (error) {
      lines.push(`gantry: staging the suite's inputs failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return { outcome: 'failed', exit_code: null, error: `staging its inputs failed: ${error instanceof Error ? error.message : String(error)}`, started_at: startedAt, finished_at: now(), log: Buffer.from(lines.join('')) };
    }
    const result = suite.setup ? await this.run('setup', suite, dir) : this.noHook();
    const log = Buffer.concat([Buffer.from(lines.join('')), result.log]);
    return { ...result, started_at: startedAt, log: log.subarray(Math.max(0, log.length - HOOK_LOG_LIMIT)) };
  }

  private cleanUp(entry: Entry, stopping = false): Promise<void> {
    const { suite } = entry;
    if (this.entries.get(suite.id) !== entry) return this.cleaning.get(suite.id) ?? Promise.resolve();
    this.entries.delete(suite.id);
    const done = (async () => {
      const dir = this.dirOf(suite.id);
      if (suite.cleanup) {
        // The agent's own stop must not cut its cleanups short.
        const result = await this.run('cleanup', suite, dir, !stopping);
        this.options.logger.info('suite cleanup ended', { suite_id: suite.id, outcome: result.outcome, error: result.error });
        await this.report('cleanup', suite.id, result, []);
      } else {
        await this.report('cleanup', suite.id, this.noHook(), []);
      }
      rmSync(dir, { recursive: true, force: true });
    })().finally(() => this.cleaning.delete(suite.id));
    this.cleaning.set(suite.id, done);
    return done;
  }

  private run(hook: HookName, suite: ClaimedSuite, dir: string, abortable = true): Promise<HookResult> {
    const spec = suite[hook];
    if (!spec) return Promise.resolve(this.noHook());
    return runHook(spec, {
      spawnJob: this.options.spawnJob,
      cwd: dir,
      env: { ...this.options.baseEnv(), ...suiteVariables(suite, dir) },
      killGraceMs: this.options.killGraceMs,
      signal: abortable ? this.stopping.signal : undefined,
      now: this.options.now,
    });
  }

  private noHook(): HookResult {
    const at = (this.options.now ?? Date.now)();
    return { outcome: 'succeeded', exit_code: 0, error: null, started_at: at, finished_at: at, log: Buffer.alloc(0) };
  }

  private async report(hook: HookName, suiteId: number, result: HookResult, handedBack: Array<{ job_id: number; attempt: number }>): Promise<boolean> {
    const body: HookReport = {
      suite_id: suiteId, hook, outcome: result.outcome, exit_code: result.exit_code, error: result.error,
      started_at: result.started_at, finished_at: result.finished_at, log_b64: result.log.toString('base64'), handed_back: handedBack,
    };
    for (let tries = 1; ; tries++) {
      try {
        await this.options.client.call('reportSuiteHook', { params: { id: this.options.workerId() }, body });
        return true;
      } catch (error) {
        this.options.logger.warn('reporting a suite hook failed', { suite_id: suiteId, hook, tries, error: String(error) });
        if (tries >= REPORT_TRIES) return false;
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(tries, this.options.retry)));
      }
    }
  }
}
