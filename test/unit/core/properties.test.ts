import Database from 'better-sqlite3';
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GantryError, JOB_STATES, type Job } from '../../../src/shared';
import { openHarness } from '../../support/coordinator';

const WORKERS = [
  { name: 'a', cpus: 4, tags: ['x'] },
  { name: 'b', cpus: 2, tags: [] as string[] },
  { name: 'c', cpus: 8, tags: ['x', 'y'] },
];

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
  fc.record({ kind: fc.constant('finishCancelled' as const), pick: fc.nat() }),
);

/** Every refusal must be a domain error; anything else is a bug. */
function tolerate(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof GantryError)) throw error;
  }
}

describe('queue invariants under random DAGs and operation sequences', () => {
  it('holds: one runner per job, dependencies first, priority order among fitting jobs, counts add up, integrity ok', () => {
    fc.assert(
      fc.property(dagArb, fc.array(actionArb, { minLength: 1, maxLength: 60 }), (dag, actions) => {
        const h = openHarness({ reserveAfterMs: Number.MAX_SAFE_INTEGER, leaseTtlMs: 30_000, workerTimeoutMs: 1e12 });
        try {
          const { c, clock } = h;
          const workers = WORKERS.map((w) => c.registerWorker({ name: w.name, cpus: w.cpus, memory_mb: 1000, tags: w.tags }).id);
          const submitted = c.submitBatch(
            dag.map((j, i) => ({ ref: `j${i}`, command: ['true'], priority: j.priority, max_attempts: j.max_attempts, requirements: { cpus: j.cpus, tags: j.tags }, depends_on: j.deps.map((d) => ({ ref: `j${d}` })) })),
          );
          const ids = submitted.map((j) => j.id);
          const all = () => ids.map((id) => c.getJob(id));
          const openAttempts = (db: Database.Database) => db.prepare('SELECT job_id, attempt, worker_id, cpus FROM attempts WHERE finished_at IS NULL').all() as Array<{ job_id: number; attempt: number; worker_id: string; cpus: number }>;
          const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
          try {
            for (const action of actions) {
              const jobs = all();
              const pick = <T>(list: T[], n: number) => (list.length === 0 ? undefined : list[n % list.length]);
              if (action.kind === 'claim') {
                const spec = WORKERS[action.worker];
                const used = openAttempts(db).filter((a) => a.worker_id === workers[action.worker]).reduce((s, a) => s + a.cpus, 0);
                let free = spec.cpus - used;
                const expected: number[] = [];
                const queued = jobs.filter((j) => j.state === 'queued').sort((a, b) => b.priority - a.priority || a.id - b.id);
                for (const j of queued) {
                  if (expected.length >= action.max) break;
                  if (j.requirements.tags.every((t) => spec.tags.includes(t)) && j.requirements.cpus <= free) {
                    expected.push(j.id);
                    free -= j.requirements.cpus;
                  }
                }
                const claimed = c.claim(workers[action.worker], { max: action.max }).map((x) => x.job.id);
                expect(claimed).toEqual(expected);
              } else if (action.kind === 'finish') {
                const job = pick(jobs.filter((j) => j.state === 'running'), action.pick);
                if (job) c.finish(job.id, { attempt: job.attempt, outcome: action.outcome, exit_code: action.outcome === 'succeeded' ? 0 : 1 });
              } else if (action.kind === 'finishCancelled') {
                const open = pick(openAttempts(db).filter((a) => c.getJob(a.job_id).state === 'cancelled'), action.pick);
                if (open) c.finish(open.job_id, { attempt: open.attempt, outcome: 'cancelled', exit_code: null });
              } else if (action.kind === 'cancel') {
                const job = pick(jobs, action.pick);
                if (job) tolerate(() => c.cancel(job.id));
              } else if (action.kind === 'retry') {
                const job = pick(jobs, action.pick);
                if (job) tolerate(() => c.retry(job.id));
              } else {
                for (const [i, w] of workers.entries()) if (i !== action.worker) c.heartbeat(w, {});
                clock.advance(31_000);
                c.sweep();
                for (const w of workers) c.heartbeat(w, {});
              }
              checkInvariants(all(), openAttempts(db), c.countJobs());
            }
            expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
          } finally {
            db.close();
          }
        } finally {
          h.cleanup();
        }
      }),
      { numRuns: 60 },
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
  }
  const total = JOB_STATES.reduce((s, state) => s + counts[state], 0);
  expect(total).toBe(counts.total);
  expect(counts.total).toBe(jobs.length);
  for (const state of JOB_STATES) expect(counts[state], state).toBe(jobs.filter((j) => j.state === state).length);
}
