import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../../src/shared';
import { addWorker } from '../../../support/coordinator';
import { useHarnessWithSideConnection } from '../../../support/sideConnection';

const HOUR = 3_600_000;

const t = useHarnessWithSideConnection();

const rows = (sql: string): unknown[] => t.side.prepare(sql).all();

/** The trigger-kept counts next to the same figures counted from the jobs themselves (the flow per hour is a history, checked apart). */
function expectTalliesMatchJobs(): void {
  expect(rows('SELECT project_id, state, n FROM job_counts WHERE n > 0 ORDER BY 1, 2')).toEqual(
    rows('SELECT project_id, state, COUNT(*) AS n FROM jobs GROUP BY 1, 2 ORDER BY 1, 2'),
  );
  expect(rows("SELECT key AS shape_id, n FROM job_tallies WHERE kind = 2 AND n > 0 ORDER BY 1")).toEqual(
    rows("SELECT shape_id, COUNT(*) AS n FROM jobs WHERE state = 'queued' GROUP BY 1 ORDER BY 1"),
  );
}

describe('job tallies (counts per project and state, queued per shape, flow per hour)', () => {
  it('stay equal to counts of the jobs through claims, finishes, retries, cancels and removals in two projects', () => {
    t.h.c.createProject({ name: 'nlp' });
    const jobs = t.h.c.submitBatch(Array.from({ length: 30 }, (_, i) => ({ command: ['true'], project: i % 2 ? 'nlp' : undefined, requirements: { cpus: 1 + (i % 3) } })));
    const worker = addWorker(t.h.c, { cpus: 64 });
    const claimed = t.h.c.claim(worker, { max: 8 });
    claimed.forEach((c, i) => t.h.c.finish(c.job.id, { attempt: c.attempt, outcome: i % 3 ? 'succeeded' : 'failed', exit_code: i % 3 ? 0 : 1 }));
    t.h.clock.advance(2 * HOUR);
    t.h.c.claim(worker, { max: 3 });
    const failed = claimed.filter((_, i) => i % 3 === 0);
    t.h.c.retry(failed[0].job.id);
    t.h.c.cancel(jobs[29].id);
    t.h.c.remove(claimed[1].job.id);
    t.h.c.remove(jobs[28].id);
    t.h.clock.advance(HOUR);
    for (const c of t.h.c.claim(worker, { max: 2 })) t.h.c.finish(c.job.id, { attempt: c.attempt, outcome: 'succeeded', exit_code: 0 });
    expectTalliesMatchJobs();
    expect(t.h.c.countJobs()).toMatchObject({ total: 28 });
    // Removals and retries leave the history alone: it says what was submitted and what ended, hour by hour.
    const start = Math.floor(t.h.clock.now() / HOUR) * HOUR - 3 * HOUR;
    expect(rows('SELECT hour, state, n FROM job_flow_hourly ORDER BY 1, 2')).toEqual([
      { hour: start, state: 'failed', n: 3 },
      { hour: start, state: 'submitted', n: 30 },
      { hour: start, state: 'succeeded', n: 5 },
      { hour: start + 2 * HOUR, state: 'cancelled', n: 1 },
      { hour: start + 3 * HOUR, state: 'succeeded', n: 2 },
    ]);
  });

  it('count a job of a new shape that becomes queued after submit (a dependent), so a claim finds it', () => {
    const [first, second] = t.h.c.submitBatch([
      { ref: 'a', command: ['true'] },
      { ref: 'b', command: ['true'], requirements: { cpus: 3 }, depends_on: [{ ref: 'a' }] },
    ]);
    const worker = addWorker(t.h.c, { cpus: 8 });
    const [claimA] = t.h.c.claim(worker, { max: 4 });
    expect(claimA.job.id).toBe(first.id);
    t.h.c.finish(first.id, { attempt: claimA.attempt, outcome: 'succeeded', exit_code: 0 });
    expectTalliesMatchJobs();
    expect(t.h.c.claim(worker, { max: 4 }).map((c) => c.job.id)).toEqual([second.id]);
  });
});

/** A small seeded generator (mulberry32), so a failing sequence can be replayed from its seed. */
function randomFrom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * below);
  };
}

/** Retries a job; one whose dependency failed is refused (a ConflictError), which leaves everything as it was. */
function retryUnlessRefused(id: number): void {
  try {
    t.h.c.retry(id);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

const OUTCOMES = ['succeeded', 'succeeded', 'succeeded', 'failed', 'timed_out', 'cancelled'] as const;

describe('job tallies after random operations', () => {
  it.each([1, 2, 3, 4, 5, 6])('equal COUNT(*) of the jobs after every step, seed %i', (seed) => {
    const random = randomFrom(seed);
    t.h.c.createProject({ name: 'nlp' });
    const workers = [addWorker(t.h.c, { cpus: 64 }), addWorker(t.h.c, { cpus: 64 })];
    let running: Array<{ job_id: number; attempt: number }> = [];
    const submitted: number[] = [];
    const report = (job: { job_id: number; attempt: number }) => ({ ...job, outcome: OUTCOMES[random(OUTCOMES.length)], exit_code: random(3) });
    const take = (claimed: Array<{ job: { id: number }; attempt: number }>) => (running = running.concat(claimed.map((c) => ({ job_id: c.job.id, attempt: c.attempt }))));
    /** Up to `n` reports of running jobs (now and then one twice, or a stale attempt), taken off the running list. */
    const someReports = (n: number) => {
      const picked = running.splice(0, n).map(report);
      if (picked.length > 0 && random(4) === 0) picked.push({ ...picked[0] });
      if (picked.length > 0 && random(6) === 0) picked.push({ ...picked[0], attempt: picked[0].attempt + 5 });
      return picked;
    };
    for (let step = 0; step < 60; step++) {
      const worker = workers[random(2)];
      switch (random(9)) {
        case 0:
        case 1: {
          const specs = Array.from({ length: 1 + random(12) }, (_, i) => ({
            command: ['true'],
            project: random(2) ? 'nlp' : undefined,
            requirements: { cpus: 1 + random(3) },
            max_attempts: 1 + random(3),
            depends_on: i > 0 && submitted.length > 0 && random(5) === 0 ? [submitted[random(submitted.length)]] : undefined,
          }));
          for (const job of t.h.c.submitBatch(specs)) submitted.push(job.id);
          break;
        }
        case 2:
        case 3:
          take(t.h.c.claim(worker, { max: 1 + random(12) }));
          break;
        case 4: {
          const results = someReports(1 + random(12));
          if (results.length > 0) t.h.c.finishMany({ results, brief: random(2) === 0 });
          break;
        }
        case 5: {
          const results = someReports(1 + random(12));
          if (results.length > 0) take(t.h.c.finishAndClaim(worker, { results, brief: true }, { max: 1 + random(10) }).jobs);
          break;
        }
        case 6: {
          const id = submitted[random(submitted.length)];
          const job = id === undefined ? undefined : t.h.c.getJob(id);
          if (job?.state === 'failed' || job?.state === 'cancelled') retryUnlessRefused(job.id);
          else if (job?.state === 'queued' || job?.state === 'waiting' || job?.state === 'running') t.h.c.cancel(job.id);
          break;
        }
        case 7: {
          const id = submitted[random(submitted.length)];
          const job = id === undefined ? undefined : t.h.c.getJob(id);
          if (job?.state === 'succeeded' && t.h.c.dependents(job.id).length === 0) {
            t.h.c.remove(job.id);
            submitted.splice(submitted.indexOf(job.id), 1);
          }
          break;
        }
        default:
          t.h.clock.advance(random(2) ? HOUR : 1 + random(60_000));
      }
      expectTalliesMatchJobs();
    }
    expect(rows("SELECT COUNT(*) AS n FROM jobs WHERE state IN ('succeeded', 'running')")).not.toEqual([{ n: 0 }]);
  });
});
