/**
 * How many jobs a listing or a count reads for what it returns (issue 19): SQLite's plans for the
 * statements, and where a plan cannot say it, the calls a filter makes per job read (LIKE, replaced
 * on the coordinator's connection by a counting copy).
 */
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { Job } from '../../../../src/shared';
import { addWorker } from '../../../support/coordinator';
import { planOf, recordPreparedStatements } from '../../../support/queryPlans';

const recorded = recordPreparedStatements();

/** SQL's LIKE (case-insensitive, % and _, an optional escape character), for the counting copy. */
function likeMatches(pattern: string, value: string, escape?: string): boolean {
  const literal = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === escape && i + 1 < pattern.length) source += literal(pattern[++i]);
    else source += pattern[i] === '%' ? '.*' : pattern[i] === '_' ? '.' : literal(pattern[i]);
  }
  return new RegExp(`^${source}$`, 'is').test(value);
}

/** Replaces LIKE on every connection the coordinator has compiled statements on; returns the call count so far. */
function countLikeCalls(): () => number {
  let calls = 0;
  for (const db of recorded.connections) {
    if (!db.open) continue;
    db.function('like', { varargs: true, deterministic: true }, (...args: unknown[]) => {
      calls++;
      const [pattern, value, escape] = args as [string, string | null, string | undefined];
      return value === null ? null : Number(likeMatches(pattern, value, escape));
    });
  }
  return () => calls;
}

/** 200 queued jobs, alternately of two projects, whose names say which. */
function twoProjects(): Job[] {
  recorded.h.c.createProject({ name: 'alpha' });
  recorded.h.c.createProject({ name: 'beta' });
  return recorded.h.c.submitBatch(Array.from({ length: 200 }, (_, i) => ({ command: ['true'], name: `${i % 2 ? 'beta' : 'alpha'} ${i}`, project: i % 2 ? 'beta' : 'alpha', priority: i % 3 })));
}

const withText = (sql: string, text: string) => sql.includes(text);

describe('reads of a listing, against what it returns', () => {
  it('lists a state with a filter one project never matches, reading that project only as far as the page reaches', () => {
    const jobs = twoProjects();
    recorded.h.c.listJobs({ limit: 1 });
    const likeCalls = countLikeCalls();
    for (const sort of ['-id', 'id'] as const) {
      const before = likeCalls();
      const page = recorded.h.c.listJobs({ state: 'queued', text: 'alpha', sort, limit: 5 });
      const alpha = jobs.filter((j) => j.name.startsWith('alpha')).map((j) => j.id);
      expect(page.jobs.map((j) => j.id)).toEqual(sort === '-id' ? alpha.reverse().slice(0, 5) : alpha.slice(0, 5));
      // The page and the one past it are 6 alpha jobs, interleaved with as many beta ones, two LIKEs
      // each (name, then command); reading beta's range to its end took 200 calls more.
      expect(likeCalls() - before).toBeLessThanOrEqual(30);
    }
  });

  it('reads each candidate of a claim-order listing from the index, and its row once, merging the shapes without sorting', () => {
    twoProjects();
    recorded.h.c.submit({ command: ['true'], project: 'alpha', requirements: { tags: ['gpu'] }, priority: 5 });
    recorded.h.c.listJobs({ state: 'queued', sort: 'priority', project: 'alpha', limit: 5 });
    const statements = [...recorded.prepared].filter((sql) => withText(sql, 'jobs_shape_claim') && !sql.startsWith('EXPLAIN'));
    const plans = statements.map((sql) => planOf(recorded.h, sql));
    // Two shapes, each a range of the index alone (its retry_at term answered there, not on the row).
    expect(plans.flat().filter((step) => /jobs_shape_claim/.test(step))).toEqual(Array(2).fill('SEARCH jobs USING COVERING INDEX jobs_shape_claim (shape_id=?)'));
    // One statement merges them and reads each candidate's row once.
    expect(plans).toHaveLength(1);
    expect(plans[0]).toContain('SEARCH jobs USING INTEGER PRIMARY KEY (rowid=?)');
    expect(plans[0]).not.toContainEqual(expect.stringMatching(/TEMP B-TREE/));
  });

  it('merges the index ranges of a state listing in id order without sorting or reading rows in them', () => {
    twoProjects();
    recorded.h.c.listJobs({ state: 'queued', text: 'alpha', limit: 5 });
    const statements = [...recorded.prepared].filter((sql) => withText(sql, 'LIKE') && !sql.startsWith('EXPLAIN'));
    expect(statements).toHaveLength(1);
    const plan = planOf(recorded.h, statements[0]);
    expect(plan.filter((step) => step.startsWith('SEARCH jobs USING COVERING INDEX jobs_project_state_id (project_id=? AND state=?)'))).toHaveLength(2);
    expect(plan).not.toContainEqual(expect.stringMatching(/TEMP B-TREE|^SCAN jobs/));
  });

  it('pages the queued jobs of more shapes than one compound SELECT holds in claim order, as one sorted list would', () => {
    recorded.h.c.createProject({ name: 'alpha' });
    const jobs = recorded.h.c.submitBatch(Array.from({ length: 520 }, (_, i) => ({ command: ['true'], project: i % 3 ? 'alpha' : undefined, priority: (i * 7) % 5, requirements: { tags: [`t${i}`] } })));
    const expected = jobs.filter((j) => j.project === 'alpha').sort((a, b) => b.priority - a.priority || a.id - b.id).map((j) => j.id);
    const ids: number[] = [];
    let cursor: string | undefined;
    do {
      const page = recorded.h.c.listJobs({ state: 'queued', sort: 'priority', project: 'alpha', limit: 50, cursor });
      ids.push(...page.jobs.map((j) => j.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual(expected);
  });
});

describe('statements a listing keeps compiled', () => {
  it('does not keep a compiled merge for every number of lanes it has seen: an old one is let go and compiled anew when needed again', () => {
    const { c } = recorded.h;
    const compiles = (sql: string) => vi.mocked(Database.prototype.prepare).mock.calls.filter(([text]) => text === sql).length;
    const merges = () => [...recorded.prepared].filter((sql) => withText(sql, 'UNION ALL') && withText(sql, 'jobs_shape_claim'));
    const first = c.submit({ command: ['true'], requirements: { tags: ['t0'] } });
    c.listJobs({ state: 'queued', sort: 'priority', limit: 5 });
    const [oneShape] = merges();
    // One shape more before each listing: merges of 3, 4, ... 122 lanes (the shapes' and the retry
    // lane; each lane ~2.8 KB of SQLite's memory compiled), 7,500 lanes in all.
    const others = Array.from({ length: 120 }, (_, i) => {
      const job = c.submit({ command: ['true'], requirements: { tags: [`t${i + 1}`] } });
      c.listJobs({ state: 'queued', sort: 'priority', limit: 5 });
      return job;
    });
    expect(merges()).toHaveLength(121);
    for (const job of others) c.cancel(job.id, 'test');
    expect(compiles(oneShape)).toBe(1);
    expect(c.listJobs({ state: 'queued', sort: 'priority', limit: 5 }).jobs.map((j) => j.id)).toEqual([first.id]);
    expect(compiles(oneShape)).toBe(2);
    // The one in use is kept: listing again compiles nothing.
    c.listJobs({ state: 'queued', sort: 'priority', limit: 5 });
    expect(compiles(oneShape)).toBe(2);
  });
});

describe('reads of a count, against what it counts', () => {
  it('counts the unrunnable jobs matching a text by reading those jobs only', () => {
    twoProjects();
    recorded.h.c.submitBatch([0, 1, 2].map((i) => ({ command: ['true'], name: `alpha nowhere ${i}`, requirements: { tags: ['nowhere'] } })));
    addWorker(recorded.h.c);
    recorded.h.c.listJobs({ limit: 1 });
    const likeCalls = countLikeCalls();
    const counts = recorded.h.c.countJobs({ text: 'alpha' });
    expect(counts).toMatchObject({ queued: 103, unrunnable: 3 });
    // The count by state reads every job (a text needs it): 203 jobs, two LIKEs for each beta one.
    // The unrunnable count reads the 3 unrunnable jobs, where it read every queued job again.
    expect(likeCalls()).toBe(103 + 2 * 100 + 3);
  });

  it('counts a state holding most jobs with a text filter in one pass over the table, and a state holding few along its ranges', () => {
    twoProjects();
    const worker = addWorker(recorded.h.c);
    recorded.h.c.claim(worker, { max: 4 });
    expect(recorded.h.c.countJobs({ state: 'queued', text: 'alpha' })).toMatchObject({ total: 98, queued: 98 });
    expect(recorded.h.c.countJobs({ state: 'running', text: 'alpha' })).toMatchObject({ total: 2, running: 2 });
    const counts = [...recorded.prepared].filter((sql) => sql.startsWith('SELECT jobs.state, COUNT(*)'));
    const plans = new Map(counts.map((sql) => [sql.includes('NOT INDEXED') ? 'scan' : 'ranges', planOf(recorded.h, sql)]));
    // 196 of 200 jobs queued: each read in table order, where each of a range is a lookup by id.
    expect([...plans.keys()].sort()).toEqual(['ranges', 'scan']);
    expect(plans.get('scan')).toContain('SCAN jobs');
    expect(plans.get('ranges')).toContainEqual(expect.stringMatching(/^SEARCH jobs USING INDEX jobs_project_state_id \(project_id=\? AND state=\?\)/));
  });

  it("counts a Slurm cluster's demand from the shapes' tallies and the running jobs, without reading the queued ones", () => {
    const tag = { tags: ['slurm:hpc'] };
    recorded.h.c.submitBatch([
      { command: ['true'], name: 'a', requirements: tag },
      { command: ['true'], name: 'b', requirements: { ...tag, cpus: 2 } },
      { command: ['true'], name: 'c', requirements: tag, max_attempts: 2, retry_delay_s: 600 },
      { command: ['true'], name: 'd', requirements: tag },
      { command: ['true'], name: 'e', requirements: tag },
      { command: ['true'], name: 'f', requirements: { tags: ['other'] } },
    ]);
    const worker = addWorker(recorded.h.c, { tags: ['slurm:hpc', 'other'], cpus: 4 });
    const claimed = new Map(recorded.h.c.claim(worker, { max: 3 }).map((c) => [c.job.name, c]));
    expect([...claimed.keys()].sort()).toEqual(['a', 'b', 'c']);
    const finish = (name: string, outcome: 'succeeded' | 'failed') => recorded.h.c.finish(claimed.get(name)!.job.id, { attempt: claimed.get(name)!.attempt, outcome, exit_code: outcome === 'failed' ? 1 : 0 });
    finish('a', 'succeeded');
    finish('c', 'failed');
    const byName = (name: string) => recorded.h.c.listJobs({ limit: 100 }).jobs.find((j) => j.name === name)!;
    recorded.h.c.cancel(byName('e').id, 'test');
    expect(byName('c')).toMatchObject({ state: 'queued', retry_at: expect.any(Number) });
    // Running: b; queued: c (waiting out its retry delay) and d; not a, e (finished) nor f (another tag).
    const demand = recorded.h.c.slurm.demand('hpc');
    expect(demand).toBe(3);
    // A queued job's tags are its shape's: with every queued row's requirements unreadable, the
    // count is the same (checking each queued job's tags read the whole queue, and here would throw).
    const db = new Database(`${recorded.h.dataDir}/gantry.db`);
    db.prepare("UPDATE jobs SET requirements = 'not json' WHERE state = 'queued'").run();
    db.close();
    expect(recorded.h.c.slurm.demand('hpc')).toBe(demand);
  });
});
