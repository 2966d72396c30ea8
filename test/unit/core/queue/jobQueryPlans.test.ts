import { describe, expect, it } from 'vitest';
import { addWorker } from '../../../support/coordinator';
import { planOf, recordPreparedStatements } from '../../../support/queryPlans';

const recorded = recordPreparedStatements();

/** Jobs in every state the listing can ask for, over two projects. */
function fillQueue(): void {
  recorded.h.c.createProject({ name: 'nlp' });
  recorded.h.c.submitBatch(Array.from({ length: 40 }, (_, i) => ({ command: ['true'], project: i % 2 ? 'nlp' : undefined, priority: i % 3, requirements: { tags: i % 4 ? [] : ['k8s:lab', 'slurm-direct:hpc'] } })));
  const worker = addWorker(recorded.h.c, { tags: ['k8s:lab', 'slurm-direct:hpc'] });
  for (const claimed of recorded.h.c.claim(worker, { max: 6 })) recorded.h.c.finish(claimed.job.id, { attempt: claimed.attempt, outcome: claimed.job.id % 2 ? 'succeeded' : 'failed', exit_code: claimed.job.id % 2 ? 0 : 1 });
  recorded.h.c.claim(worker, { max: 2 });
  recorded.h.c.cancel(40, 'test');
}

/** Statements that read jobs filtered by state with no project named: what the dropped (state, id) index used to serve. */
const byStateOnly = (sql: string) => /\bFROM jobs\b/.test(sql) && /\bstate (=|IN)/.test(sql) && !/^\s*(UPDATE|INSERT|DELETE)/.test(sql) && !/\bWHERE id = \?/.test(sql);

describe('queries on jobs by state without a (state, id) index', () => {
  it('lists, counts and sums jobs by state along an index, never scanning the jobs table', () => {
    fillQueue();
    const worker = recorded.h.c.listWorkers()[0].id;
    for (const sort of ['-id', 'id', 'priority'] as const) {
      for (const state of ['queued', 'running', 'succeeded', 'failed', 'cancelled', ['succeeded', 'failed']] as const) {
        recorded.h.c.listJobs({ state: state as never, sort, limit: 2 });
        recorded.h.c.listJobs({ state: state as never, sort, limit: 2, tag: 'k8s:lab' });
      }
    }
    recorded.h.c.countJobs({ state: 'running', worker_id: worker });
    // Explain counts the queued jobs ranked ahead, shape by shape.
    recorded.h.c.explain(recorded.h.c.listJobs({ state: 'queued', sort: 'priority', limit: 100 }).jobs.at(-1)!.id);
    recorded.h.c.kubernetes.save({ name: 'lab', context: 'lab-ctx', image: 'python:3.12' });
    recorded.h.c.kubernetes.get('lab');
    recorded.h.c.slurm.demand('hpc');
    recorded.h.c.slurm.waitingDirect('hpc');
    recorded.h.c.slurm.unsentDirect('hpc', 5);
    recorded.h.c.hosts.syncedCwdsInUse();
    const statements = [...recorded.prepared].filter(byStateOnly);
    expect(statements.length).toBeGreaterThan(5);
    for (const sql of statements) {
      const plan = planOf(recorded.h, sql);
      expect({ sql, plan }).toEqual({ sql, plan: expect.not.arrayContaining([expect.stringMatching(/^SCAN (jobs|j)$/)]) });
    }
  });

  it('pages through one state across projects in order, each job once', () => {
    fillQueue();
    const pages: number[][] = [];
    let cursor: string | undefined;
    do {
      const page = recorded.h.c.listJobs({ state: ['queued', 'running'], limit: 7, cursor });
      pages.push(page.jobs.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const ids = pages.flat();
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(ids).toEqual(recorded.h.c.listJobs({ limit: 100 }).jobs.filter((j) => j.state === 'queued' || j.state === 'running').map((j) => j.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('pages through finished jobs across projects in priority order, as one list sorted would', () => {
    fillQueue();
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = recorded.h.c.listJobs({ state: ['succeeded', 'failed', 'cancelled'], sort: 'priority', limit: 2, cursor });
      ids.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    const finished = recorded.h.c.listJobs({ limit: 100 }).jobs.filter((j) => ['succeeded', 'failed', 'cancelled'].includes(j.state));
    expect(ids).toEqual(finished.sort((a, b) => b.priority - a.priority || a.id - b.id).map((j) => j.id));
  });
});
