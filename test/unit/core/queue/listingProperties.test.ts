/**
 * The listings and counts rewritten for issue 19 (jobsByState.ts mergedAlongRanges, the claim-order
 * lanes of queuedInClaimOrder.ts, the unrunnable count along lanes, Slurm's demand from the shapes'
 * tallies) against brute-force references computed in JS from the jobs table itself, over random
 * queues: several projects and shapes, ties in priority, jobs waiting out a retry delay, running and
 * finished jobs, suite jobs (whose shape key carries the suite), filters combined (ids among them),
 * pages of random sizes, and jobs leaving the queue between pages.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_STATES, type JobFilter, type JobListQuery, type JobState } from '../../../../src/shared';
import { addWorker, credentialOf, openHarness, type Harness } from '../../../support/coordinator';

/** Each run opens a coordinator (a fresh database): ~25 ms alone, several times that under load. */
const NUM_RUNS = 40;
const TIMEOUT_MS = 120_000;

const PROJECTS = ['default', 'alpha', 'beta'] as const;
const TAGS = ['x', 'z', 'slurm:hpc'] as const;
const NAMES = ['foo 1', 'Bar', 'foobar', 'other'] as const;

const jobArb = fc.record({
  project: fc.constantFrom(...PROJECTS),
  priority: fc.integer({ min: -1, max: 1 }),
  tags: fc.subarray([...TAGS], { maxLength: 2 }),
  cpus: fc.integer({ min: 1, max: 2 }),
  name: fc.constantFrom(...NAMES),
  echo: fc.boolean(),
  retries: fc.boolean(),
  suite: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
});

/** What happens to each job a worker claims: left running, failed (queued again after a delay when it may retry), succeeded. */
const outcomeArb = fc.constantFrom('running' as const, 'failed' as const, 'failed' as const, 'succeeded' as const);

const scenarioArb = fc.record({
  jobs: fc.array(jobArb, { minLength: 1, maxLength: 40, size: 'max' }),
  claims: fc.array(outcomeArb, { maxLength: 14, size: 'max' }),
  limit: fc.integer({ min: 1, max: 6 }),
  filter: fc.record({
    project: fc.option(fc.constantFrom(...PROJECTS, 'missing'), { nil: undefined, freq: 2 }),
    tag: fc.option(fc.constantFrom(...TAGS, 's'), { nil: undefined, freq: 2 }),
    text: fc.option(fc.constantFrom('foo', 'bar', 'echo'), { nil: undefined, freq: 2 }),
    ids: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 45 }), { minLength: 1, maxLength: 12 }), { nil: undefined, freq: 3 }),
    // Rarely: few queued jobs have a worker.
    worker: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  }),
  states: fc.subarray([...JOB_STATES], { minLength: 1 }),
  sort: fc.constantFrom('id' as const, '-id' as const, 'priority' as const),
  leaveBetweenPages: fc.integer({ min: 0, max: 3 }),
});
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

interface RawJob {
  id: number;
  project: string;
  state: JobState;
  priority: number;
  name: string;
  command: string;
  tags: string[];
  worker_id: string | null;
  retry_at: number | null;
}

/** The harness of the property run in progress: the next run's buildQueue, or the test's end, closes it. */
let h: Harness | undefined;
afterEach(() => {
  h?.cleanup();
  h = undefined;
});

/** Every job as the table holds it, read on a connection of the test's own. */
function rawJobs(harness: Harness): RawJob[] {
  const db = new Database(`${harness.dataDir}/gantry.db`, { readonly: true });
  try {
    const rows = db.prepare('SELECT jobs.*, projects.name AS project FROM jobs JOIN projects ON projects.id = jobs.project_id').all() as Array<RawJob & { requirements: string }>;
    return rows.map((r) => ({ ...r, tags: (JSON.parse(r.requirements) as { tags: string[] }).tags }));
  } finally {
    db.close();
  }
}

/** The filter as the README defines it: project, tag (a requirements tag), text (name or command, case-insensitive), worker, ids. */
function matches(job: RawJob, filter: JobFilter): boolean {
  if (filter.project !== undefined && job.project !== filter.project) return false;
  if (filter.tag !== undefined && !job.tags.includes(filter.tag)) return false;
  if (filter.worker_id !== undefined && job.worker_id !== filter.worker_id) return false;
  if (filter.ids !== undefined && !filter.ids.includes(job.id)) return false;
  if (filter.text !== undefined && filter.text !== '') {
    const text = filter.text.toLowerCase();
    if (!job.name.toLowerCase().includes(text) && !job.command.toLowerCase().includes(text)) return false;
  }
  return true;
}

const claimOrder = (a: RawJob, b: RawJob) => b.priority - a.priority || a.id - b.id;

function sortedAs(sort: 'id' | '-id' | 'priority'): (a: RawJob, b: RawJob) => number {
  if (sort === 'priority') return claimOrder;
  return sort === 'id' ? (a, b) => a.id - b.id : (a, b) => b.id - a.id;
}

/** The worker takes up to `outcomes.length` jobs and ends each as told; returns the attempts left running. */
function claimAndEnd(harness: Harness, worker: string, outcomes: ReadonlyArray<'running' | 'failed' | 'succeeded'>): Array<{ job_id: number; attempt: number }> {
  if (outcomes.length === 0) return [];
  const running: Array<{ job_id: number; attempt: number }> = [];
  harness.c.claim(worker, { max: outcomes.length }).forEach((c, i) => {
    const outcome = outcomes[i];
    if (outcome === 'running') running.push({ job_id: c.job.id, attempt: c.attempt });
    else harness.c.finish(c.job.id, { attempt: c.attempt, outcome, exit_code: outcome === 'failed' ? 1 : 0 });
  });
  return running;
}

/** A queue built from the scenario; in the end the worker can run every job but those tagged z or in the suite (tag s). */
function buildQueue(scenario: Scenario): { harness: Harness; worker: string } {
  h?.cleanup();
  const harness = openHarness();
  h = harness;
  harness.c.createProject({ name: 'alpha' });
  harness.c.createProject({ name: 'beta' });
  harness.c.suites.create({ name: 'evals', tags: ['s'] });
  harness.c.submitBatch(scenario.jobs.map((j) => ({
    command: j.echo ? ['echo', 'echo'] : ['true'],
    name: j.name,
    project: j.project,
    priority: j.priority,
    requirements: { tags: j.tags, cpus: j.cpus },
    ...(j.retries ? { max_attempts: 2, retry_delay_s: 600 } : {}),
    ...(j.suite ? { suite: 'evals' } : {}),
  })));
  // The worker first takes jobs tagged z too, then comes back without z: those it failed that may
  // retry wait out their delay unrunnable, in the retry lane.
  const worker = addWorker(harness.c, { name: 'w1', tags: ['x', 'slurm:hpc', 'z'], cpus: 8 });
  const running = claimAndEnd(harness, worker, scenario.claims);
  harness.c.registerWorker({ name: 'w1', cpus: 8, memory_mb: 32_000, tags: ['x', 'slurm:hpc'], running }, credentialOf(worker));
  return { harness, worker };
}

function filterOf(scenario: Scenario, worker: string): JobFilter {
  const { project, tag, text, ids } = scenario.filter;
  return { project, tag, text, ids, worker_id: scenario.filter.worker ? worker : undefined };
}

/** Every page of a listing, `between` run after each page but the last. */
function allPages(harness: Harness, query: JobListQuery, between: () => void = () => undefined): number[] {
  const ids: number[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 200; pages++) {
    const page = harness.c.listJobs({ ...query, cursor });
    ids.push(...page.jobs.map((j) => j.id));
    cursor = page.next_cursor ?? undefined;
    if (!cursor) return ids;
    between();
  }
  throw new Error('a listing that never ends');
}

describe('listings against a brute-force reference over random queues', () => {
  it('pages the queued jobs in claim order, with any filter, as one sorted list would', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const { harness, worker } = buildQueue(scenario);
      const filter = filterOf(scenario, worker);
      const expected = rawJobs(harness).filter((j) => j.state === 'queued' && matches(j, filter)).sort(claimOrder).map((j) => j.id);
      expect(allPages(harness, { state: 'queued', sort: 'priority', limit: scenario.limit, ...filter })).toEqual(expected);
    }), { numRuns: NUM_RUNS });
  });

  it('pages jobs by state in every sort, with any filter, as one sorted list would', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const { harness, worker } = buildQueue(scenario);
      const filter = filterOf(scenario, worker);
      const expected = rawJobs(harness).filter((j) => scenario.states.includes(j.state) && matches(j, filter)).sort(sortedAs(scenario.sort)).map((j) => j.id);
      expect(allPages(harness, { state: scenario.states, sort: scenario.sort, limit: scenario.limit, ...filter })).toEqual(expected);
    }), { numRuns: NUM_RUNS });
  });

  it('neither repeats nor skips a queued job that stays queued while claims take others between pages', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const { harness, worker } = buildQueue(scenario);
      const filter = { ...filterOf(scenario, worker), worker_id: undefined };
      const before = new Set(rawJobs(harness).filter((j) => j.state === 'queued').map((j) => j.id));
      const listed = allPages(harness, { state: 'queued', sort: 'priority', limit: scenario.limit, ...filter }, () => claimAndEnd(harness, worker, Array(scenario.leaveBetweenPages).fill('running')));
      const after = rawJobs(harness);
      const stayed = after.filter((j) => j.state === 'queued' && before.has(j.id) && matches(j, filter)).map((j) => j.id);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed).toEqual(expect.arrayContaining(stayed));
      const byId = new Map(after.map((j) => [j.id, j]));
      const listedJobs = listed.map((id) => byId.get(id)!);
      expect(listedJobs).toEqual([...listedJobs].sort(claimOrder));
    }), { numRuns: NUM_RUNS });
  });
});

describe('counts against a brute-force reference over random queues', () => {
  it('counts each state and the unrunnable jobs (tag z or the suite\'s s: no worker has them) with any filter', { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(scenarioArb, fc.boolean(), (scenario, byState) => {
      const { harness, worker } = buildQueue(scenario);
      const filter: JobFilter = { ...filterOf(scenario, worker), ...(byState ? { state: scenario.states } : {}) };
      const jobs = rawJobs(harness).filter((j) => matches(j, filter) && (!byState || scenario.states.includes(j.state)));
      const expected: Record<string, number> = Object.fromEntries(JOB_STATES.map((s) => [s, jobs.filter((j) => j.state === s).length]));
      const unrunnable = jobs.filter((j) => j.state === 'queued' && (j.tags.includes('z') || j.tags.includes('s'))).length;
      expect(harness.c.countJobs(filter)).toEqual({ ...expected, total: jobs.length, unrunnable });
    }), { numRuns: NUM_RUNS });
  });

  it("counts a Slurm cluster's demand as the queued and running jobs with its tag, suite jobs and retries included", { timeout: TIMEOUT_MS }, () => {
    fc.assert(fc.property(scenarioArb, (scenario) => {
      const { harness } = buildQueue(scenario);
      const expected = rawJobs(harness).filter((j) => (j.state === 'queued' || j.state === 'running') && j.tags.includes('slurm:hpc')).length;
      expect(harness.c.slurm.demand('hpc')).toBe(expected);
    }), { numRuns: NUM_RUNS });
  });
});

describe('listings of more index ranges than one compound SELECT holds', () => {
  it('pages jobs by state over 520 projects in id order both ways, with a filter, as one sorted list would', { timeout: TIMEOUT_MS }, () => {
    const harness = openHarness();
    h = harness;
    const projects = Array.from({ length: 520 }, (_, i) => `p${i}`);
    for (const name of projects) harness.c.createProject({ name });
    // Ids interleave the projects (each project's jobs far apart), so every group of ranges holds
    // jobs all along the order and the groups' merge decides it.
    harness.c.submitBatch(Array.from({ length: 1_040 }, (_, i) => ({ command: ['true'], name: i % 3 ? 'foo' : 'bar', project: projects[(i * 7) % 520] })));
    const worker = addWorker(harness.c, { cpus: 64 });
    claimAndEnd(harness, worker, Array(40).fill('succeeded'));
    const jobs = rawJobs(harness);
    for (const sort of ['id', '-id'] as const) {
      for (const filter of [{}, { text: 'bar' }]) {
        const expected = jobs.filter((j) => (j.state === 'queued' || j.state === 'succeeded') && matches(j, filter)).sort(sortedAs(sort)).map((j) => j.id);
        expect(allPages(harness, { state: ['queued', 'succeeded'], sort, limit: 97, ...filter })).toEqual(expected);
      }
    }
  });
});
