import Database from 'better-sqlite3';
import fc from 'fast-check';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../../../src/core';
import { ConflictError, JOB_STATES, RETRYABLE_STATES, type Job } from '../../../src/shared';
import { openHarness, tempDir, testClock, type TestClock } from '../../support/coordinator';

/** fast-check's runs per property: CI runs the suite as is, so this is what CI checks. */
const NUM_RUNS = 200;
/**
 * NUM_RUNS coordinators each: about 3.5 s (invariants) and 2.5 s (starvation) of CPU measured alone.
 * At load 20 on two cores a process gets about a tenth of a core, so the 60 s default ran out in
 * full runs; the runs themselves are not cut.
 */
const PROPERTY_TIMEOUT_MS = 180_000;
const RESERVE_AFTER_MS = 60_000;

const WORKERS = [
  { name: 'a', cpus: 4, tags: ['x'] },
  { name: 'b', cpus: 2, tags: [] as string[] },
  { name: 'c', cpus: 8, tags: ['x', 'y'] },
];
type WorkerSpec = (typeof WORKERS)[number];

const jobArb = (i: number) =>
  fc.record({
    priority: fc.integer({ min: -2, max: 2 }),
    cpus: fc.integer({ min: 1, max: 6 }),
    tags: fc.subarray(['x', 'y']),
    max_attempts: fc.integer({ min: 1, max: 3 }),
    deps: fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }),
  });

const dagArb = fc.integer({ min: 1, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => jobArb(i))));

const actionArb = fc.oneof(
  fc.record({ kind: fc.constant('claim' as const), worker: fc.nat(2), max: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('finish' as const), pick: fc.nat(), outcome: fc.constantFrom('succeeded' as const, 'failed' as const, 'timed_out' as const) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('retry' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const), worker: fc.nat(2) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 1_000, max: 40_000 }) }),
  fc.record({ kind: fc.constant('finishCancelled' as const), pick: fc.nat() }),
);

/** Runs a transition the oracle says must be refused (with a ConflictError) or must succeed. */
function expectRefusal(fn: () => unknown, refused: boolean, what: string): void {
  if (refused) expect(fn, what).toThrow(ConflictError);
  else fn();
}

type OpenAttempt = { job_id: number; attempt: number; worker_id: string; cpus: number };
const openAttempts = (db: Database.Database) => db.prepare('SELECT job_id, attempt, worker_id, cpus FROM attempts WHERE finished_at IS NULL').all() as OpenAttempt[];
const queuedSince = (db: Database.Database) => new Map((db.prepare("SELECT id, queued_at FROM jobs WHERE state = 'queued'").all() as Array<{ id: number; queued_at: number }>).map((r) => [r.id, r.queued_at]));

/**
 * What a claim must hand out, from the README's rules alone: queued jobs in priority order (FIFO
 * within a priority) that fit what is free, skipping those that don't (backfill), until a job
 * that doesn't fit now, could fit the idle worker and has waited RESERVE_AFTER_MS reserves it.
 */
function expectedClaim(spec: WorkerSpec, free: number, queued: Job[], since: Map<number, number>, now: number, max: number): number[] {
  const expected: number[] = [];
  for (const j of [...queued].sort((a, b) => b.priority - a.priority || a.id - b.id)) {
    if (expected.length >= max) break;
    const tagsFit = j.requirements.tags.every((t) => spec.tags.includes(t));
    if (tagsFit && j.requirements.cpus <= free) {
      expected.push(j.id);
      free -= j.requirements.cpus;
    } else if (tagsFit && j.requirements.cpus <= spec.cpus && now - (since.get(j.id) as number) >= RESERVE_AFTER_MS) {
      break;
    }
  }
  return expected;
}

function retryRefused(job: Job, jobs: Map<number, Job>, open: OpenAttempt[]): boolean {
  if (!RETRYABLE_STATES.includes(job.state) || open.some((a) => a.job_id === job.id)) return true;
  return job.depends_on.some((d) => ['failed', 'cancelled', 'blocked'].includes(jobs.get(d)?.state ?? ''));
}

/**
 * A migrated, empty database made once: each run starts from a copy of it, which costs a fifth of
 * creating and migrating a new one, and is what lets CI afford hundreds of runs.
 */
let template: string | null = null;
afterAll(() => {
  if (template) rmSync(template, { recursive: true, force: true });
});

function withQueue(options: Partial<CoordinatorOptions>, body: (q: { c: Coordinator; clock: TestClock }, db: Database.Database) => void): void {
  if (!template) {
    const h = openHarness();
    h.c.close();
    template = h.dataDir;
  }
  const dataDir = tempDir();
  copyFileSync(join(template, 'gantry.db'), join(dataDir, 'gantry.db'));
  const clock = testClock();
  const c = createCoordinator({ dataDir, now: clock.now, sweepIntervalMs: null, ...options });
  const db = new Database(join(dataDir, 'gantry.db'), { readonly: true });
  try {
    body({ c, clock }, db);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    db.close();
    c.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe('queue invariants under random DAGs and operation sequences', () => {
  it('holds: one runner per job, dependencies first, claims follow priority, backfill and reservations, refusals exactly when due, counts add up', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(dagArb, fc.array(actionArb, { minLength: 1, maxLength: 60 }), (dag, actions) =>
        withQueue({ reserveAfterMs: RESERVE_AFTER_MS, leaseTtlMs: 30_000, workerTimeoutMs: 1e12 }, ({ c, clock }, db) => {
          const workers = WORKERS.map((w) => c.registerWorker({ name: w.name, cpus: w.cpus, memory_mb: 1000, tags: w.tags }).id);
          const submitted = c.submitBatch(
            dag.map((j, i) => ({ ref: `j${i}`, command: ['true'], priority: j.priority, max_attempts: j.max_attempts, requirements: { cpus: j.cpus, tags: j.tags }, depends_on: j.deps.map((d) => ({ ref: `j${d}` })) })),
          );
          const ids = submitted.map((j) => j.id);
          const all = () => c.listJobs({ ids, sort: 'id', limit: 1000 }).jobs;
          for (const action of actions) {
            const jobs = all();
            const byId = new Map(jobs.map((j) => [j.id, j]));
            const pick = <T>(list: T[], n: number) => (list.length === 0 ? undefined : list[n % list.length]);
            if (action.kind === 'claim') {
              const spec = WORKERS[action.worker];
              const used = openAttempts(db).filter((a) => a.worker_id === workers[action.worker]).reduce((s, a) => s + a.cpus, 0);
              const expected = expectedClaim(spec, spec.cpus - used, jobs.filter((j) => j.state === 'queued'), queuedSince(db), clock.now(), action.max);
              expect(c.claim(workers[action.worker], { max: action.max }).map((x) => x.job.id)).toEqual(expected);
            } else if (action.kind === 'finish') {
              const job = pick(jobs.filter((j) => j.state === 'running'), action.pick);
              if (job) c.finish(job.id, { attempt: job.attempt, outcome: action.outcome, exit_code: action.outcome === 'succeeded' ? 0 : 1 });
            } else if (action.kind === 'finishCancelled') {
              const open = pick(openAttempts(db).filter((a) => byId.get(a.job_id)?.state === 'cancelled'), action.pick);
              if (open) c.finish(open.job_id, { attempt: open.attempt, outcome: 'cancelled', exit_code: null });
            } else if (action.kind === 'cancel') {
              const job = pick(jobs, action.pick);
              if (job) expectRefusal(() => c.cancel(job.id), ['succeeded', 'failed', 'cancelled'].includes(job.state), `cancel ${job.state} job ${job.id}`);
            } else if (action.kind === 'retry') {
              const job = pick(jobs, action.pick);
              if (job) expectRefusal(() => c.retry(job.id), retryRefused(job, byId, openAttempts(db)), `retry ${job.state} job ${job.id}`);
            } else if (action.kind === 'wait') {
              clock.advance(action.ms);
              for (const w of workers) c.heartbeat(w, {});
            } else {
              for (const [i, w] of workers.entries()) if (i !== action.worker) c.heartbeat(w, {});
              clock.advance(31_000);
              c.sweep();
              for (const w of workers) c.heartbeat(w, {});
            }
            checkInvariants(all(), openAttempts(db), c.countJobs());
          }
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

const ROUND_MS = 20_000;
const roundArb = fc.record({
  arrivals: fc.array(fc.record({ cpus: fc.integer({ min: 1, max: 2 }), below: fc.nat(2) }), { maxLength: 3 }),
  finishes: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
});

describe('starvation', () => {
  it('starts a big job that fits the worker once running jobs drain after it has waited the reservation age, however small jobs keep arriving behind it', { timeout: PROPERTY_TIMEOUT_MS }, () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.array(roundArb, { minLength: 12, maxLength: 12 }), (bigCpus, rounds) =>
        withQueue({ reserveAfterMs: RESERVE_AFTER_MS, leaseTtlMs: 1e12, workerTimeoutMs: 1e12 }, ({ c, clock }) => {
          const worker = c.registerWorker({ name: 'w', cpus: 4, memory_mb: 1000 }).id;
          for (let i = 0; i < 4; i++) c.submit({ command: ['small'], requirements: { cpus: 1 } });
          c.claim(worker, { max: 4 });
          const big = c.submit({ command: ['big'], requirements: { cpus: bigCpus } });
          // Age reached after RESERVE_AFTER_MS / ROUND_MS rounds; each round then frees at least one
          // of at most 4 running jobs, so by this round at the latest the big job has room.
          const deadline = RESERVE_AFTER_MS / ROUND_MS + 4 + 1;
          for (const [round, { arrivals, finishes }] of rounds.entries()) {
            for (const a of arrivals) c.submit({ command: ['small'], priority: -a.below, requirements: { cpus: a.cpus } });
            const running = c.listJobs({ state: 'running', sort: 'id', limit: 1000 }).jobs;
            running.forEach((j, i) => {
              if (i === 0 || finishes[i % finishes.length]) c.finish(j.id, { attempt: j.attempt, outcome: 'succeeded', exit_code: 0 });
            });
            c.claim(worker, { max: 4 });
            if (c.getJob(big.id).state !== 'queued') return;
            expect(round + 1, `the big job (${bigCpus} cpus) still waits after round ${round + 1}`).toBeLessThan(deadline);
            clock.advance(ROUND_MS);
          }
        }),
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

function checkInvariants(jobs: Job[], open: Array<{ job_id: number }>, counts: Record<string, number>): void {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const openPerJob = new Map<number, number>();
  for (const a of open) openPerJob.set(a.job_id, (openPerJob.get(a.job_id) ?? 0) + 1);
  for (const [jobId, n] of openPerJob) expect(n, `job ${jobId} has ${n} open attempts`).toBe(1);
  for (const job of jobs) {
    if (job.state === 'running') expect(openPerJob.get(job.id), `running job ${job.id} has an open attempt`).toBe(1);
    if (job.state === 'running' || job.state === 'succeeded' || job.state === 'queued') {
      for (const dep of job.depends_on) expect(byId.get(dep)?.state, `job ${job.id} is ${job.state} before dependency ${dep} succeeded`).toBe('succeeded');
    }
    if (job.state === 'waiting') expect(job.depends_on.some((d) => byId.get(d)?.state !== 'succeeded')).toBe(true);
    expect(job.counted_attempts, `job ${job.id} spent more attempts than allowed`).toBeLessThanOrEqual(job.max_attempts);
    expect(job.lost_attempts, `job ${job.id} was re-queued free too often`).toBeLessThanOrEqual(job.max_lost_attempts + 1);
  }
  const total = JOB_STATES.reduce((s, state) => s + counts[state], 0);
  expect(total).toBe(counts.total);
  expect(counts.total).toBe(jobs.length);
  for (const state of JOB_STATES) expect(counts[state], state).toBe(jobs.filter((j) => j.state === state).length);
}
