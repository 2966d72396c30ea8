import { describe, expect, it } from 'vitest';
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
