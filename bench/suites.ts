/**
 * `npm run bench -- suites [--jobs N]`: 2,000 short jobs (N with --jobs N, at least 100) whose
 * environment takes a 2 s setup, on one agent process running 16 at once, in the same run:
 *   - as one suite: the setup is the suite's hook, run once by the worker;
 *   - the same jobs doing that setup themselves (`sleep 2` before the work);
 *   - and, as the floor, the same jobs with no setup at all and no suite: what job churn alone costs,
 *     so the suite side can be judged against it (a suite should add nothing per job).
 * At 2,000 jobs the second side alone takes 2,000 × 2 s / 16 ≈ 250 s plus the job churn.
 * The agent is its own process, as on a worker host. It used to run inside the bench process, beside
 * the coordinator and the server: every job's spawn then forked that whole process (13 ms of main-
 * thread CPU per spawn at load ~30 in a CPU profile, the largest cost per job), which is what held
 * the suite side back, since it is nothing but job churn once set up.
 * Figures carry the job count in their names (suites.<N>_jobs.*): seconds for each batch to drain,
 * jobs per second, the suite's job starts per second once set up, the speed-up, and the 1-minute
 * load average before and after each side (the machine is shared; only same-run ratios compare).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Coordinator } from '../src/core';
import { DEFAULT_JOBS } from './lib/args';
import { stopChild } from './lib/childProcess';
import { startAgentProcess } from '../test/support/cluster';
import { startCoordinatorServer } from '../test/support/coordinatorServer';
import type { FigureLog } from './lib/figures';

const SETUP_S = 2;
const SLOTS = 16;
const SUITE_JOBS = 2000;
/** The agent has no --cpus: jobs ask for none, so --max-jobs alone sets how many run at once on this 2-core machine. */
const NO_CPUS = { cpus: 0 };

async function until(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Submits `count` jobs in one batch and returns seconds until every one has succeeded. */
async function drain(c: Coordinator, count: number, job: (i: number) => Parameters<Coordinator['submitBatch']>[0][number], project: string): Promise<number> {
  const started = performance.now();
  c.submitBatch(Array.from({ length: count }, (_, i) => ({ ...job(i), project })));
  await until(() => c.countJobs({ project }).succeeded === count, `${count} jobs of ${project} to succeed`, (count * (SETUP_S + 1) * 1000) / SLOTS + 600_000);
  const counts = c.countJobs({ project });
  if (counts.failed > 0) throw new Error(`${counts.failed} jobs of ${project} failed`);
  return (performance.now() - started) / 1000;
}

/** Claims per second from the first claim at or after `after` to the last one. */
function claimsPerSecond(claims: readonly number[], after: number): number {
  const starts = claims.filter((at) => at >= after);
  if (starts.length < 2) return 0;
  return (starts.length - 1) / ((starts[starts.length - 1] - starts[0]) / 1000);
}

export async function runSuitesBench(log: FigureLog, jobs: number): Promise<void> {
  const count = jobs === DEFAULT_JOBS ? SUITE_JOBS : jobs;
  const name = (figure: string): string => `suites.${count}_jobs.${figure}`;
  const server = await startCoordinatorServer();
  const spoolDir = mkdtempSync(join(tmpdir(), 'gantry-bench-suites-'));
  const agent = startAgentProcess({ url: server.url, token: server.workerToken, name: 'bench-suites', spoolDir, maxJobs: SLOTS });
  const c = server.coordinator;
  try {
    log.record('suites.jobs', count, 'jobs');
    log.record('suites.setup_s', SETUP_S, 's');
    log.record('suites.concurrent_jobs', SLOTS, 'jobs');
    c.createProject({ name: 'with-suite' });
    c.createProject({ name: 'setup-per-job' });
    c.createProject({ name: 'no-setup' });
    c.suites.create({ name: 'bench', project: 'with-suite', setup: { command: ['sleep', String(SETUP_S)] } });
    // Not counted: the first jobs through a fresh coordinator and agent pay for warming up (JIT, caches), whichever side they belong to.
    c.createProject({ name: 'warm-up' });
    await drain(c, SLOTS * 2, () => ({ command: ['true'], requirements: NO_CPUS }), 'warm-up');
    log.record(name('with_suite.load_before'), loadavg()[0], 'load');
    const claims: number[] = [];
    const stopCounting = c.subscribe((event) => {
      if (event.type === 'job.claimed') claims.push(event.at);
    });
    const withSuite = await drain(c, count, (i) => ({ command: ['sh', '-c', `test -d "$GANTRY_SUITE_DIR" && echo ${i}`], suite: 'bench', requirements: NO_CPUS }), 'with-suite');
    stopCounting();
    log.record(name('with_suite.load_after'), loadavg()[0], 'load');
    log.record(name('with_suite_s'), withSuite, 's');
    log.record(name('with_suite_jobs_per_s'), count / withSuite, 'jobs/s');
    const setup = c.suites.hookRuns('bench').find((run) => run.hook === 'setup');
    // The first claims come before the setup and wait for it; the rest show the job churn alone.
    if (setup) log.record(name('with_suite.claims_per_s_after_setup'), claimsPerSecond(claims, setup.finished_at), 'jobs/s');
    log.record(name('setup_per_job.load_before'), loadavg()[0], 'load');
    const perJob = await drain(c, count, (i) => ({ command: ['sh', '-c', `sleep ${SETUP_S} && echo ${i}`], requirements: NO_CPUS }), 'setup-per-job');
    log.record(name('setup_per_job.load_after'), loadavg()[0], 'load');
    log.record(name('setup_per_job_s'), perJob, 's');
    log.record(name('setup_per_job_jobs_per_s'), count / perJob, 'jobs/s');
    log.ratio(name('speedup'), perJob, withSuite);
    const bare = await drain(c, count, (i) => ({ command: ['sh', '-c', `echo ${i}`], requirements: NO_CPUS }), 'no-setup');
    log.record(name('no_setup_s'), bare, 's');
    log.record(name('no_setup_jobs_per_s'), count / bare, 'jobs/s');
    // The with-suite side less its one setup, against plain jobs: 1.0 means a suite costs nothing per job.
    log.ratio(name('suite_churn_vs_plain'), withSuite - SETUP_S, bare);
    log.record(name('setups_run'), c.suites.hookRuns('bench').filter((r) => r.hook === 'setup').length, 'runs');
  } finally {
    await stopChild(agent);
    await server.close();
    rmSync(spoolDir, { recursive: true, force: true });
  }
}
