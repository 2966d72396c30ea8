/**
 * `npm run bench -- e2e`: no-op jobs (`true`) through `gantry serve` and 4 agent processes on
 * loopback, 8 jobs at a time in all, against the same work done by a bare Node spawn loop and
 * by task-spooler, measured in the same run.
 */
import { join } from 'node:path';
import type { FigureLog } from './lib/figures';
import { percentile, perSecond } from './lib/stats';
import { makeTempDir } from './lib/tempDir';
import { startClaimProbe } from './e2e/claimProbe';
import { buildAgent, startGantryCluster } from './e2e/gantryCluster';
import { measureRawSpawn } from './e2e/rawSpawn';
import { submitNoOpJobs, waitUntilFinal } from './e2e/submitOverHttp';
import { findTaskSpooler, measureTaskSpooler } from './e2e/taskSpooler';

const AGENTS = 4;
const SLOTS_PER_AGENT = 2;
const SLOTS = AGENTS * SLOTS_PER_AGENT;

export async function runE2eBench(log: FigureLog, jobs: number): Promise<void> {
  const baselineJobs = Math.max(100, Math.floor(jobs / 10));
  const dir = makeTempDir('e2e');
  try {
    log.record('e2e.slots', SLOTS, 'jobs');
    const rawPerSecond = await measureRawSpawn(baselineJobs, SLOTS);
    log.record('e2e.raw_spawn.jobs', baselineJobs, 'jobs');
    log.record('e2e.raw_spawn.jobs_per_s', rawPerSecond, 'jobs/s');

    const tsp = findTaskSpooler();
    let tspPerSecond: number | undefined;
    if (tsp) {
      tspPerSecond = await measureTaskSpooler(tsp, dir.path, baselineJobs, SLOTS);
      log.record('e2e.task_spooler.jobs', baselineJobs, 'jobs');
      log.record('e2e.task_spooler.jobs_per_s', tspPerSecond, 'jobs/s');
    } else {
      log.record('e2e.task_spooler.error', 'task-spooler is not installed (apt-get install -y task-spooler)', 'text');
    }

    const gantryPerSecond = await measureGantry(log, join(dir.path, 'gantry'), jobs);
    log.ratio('e2e.vs_raw_spawn', gantryPerSecond, rawPerSecond);
    log.ratio('e2e.vs_task_spooler', gantryPerSecond, tspPerSecond);
  } finally {
    dir.remove();
  }
}

async function measureGantry(log: FigureLog, dataDir: string, jobs: number): Promise<number> {
  await buildAgent();
  const cluster = await startGantryCluster(dataDir, AGENTS, SLOTS_PER_AGENT);
  try {
    log.record('e2e.agents', AGENTS, 'agents');
    log.record('e2e.jobs', jobs, 'jobs');
    const probe = await startClaimProbe(cluster.url, cluster.workerToken);
    const start = performance.now();
    const submitMs = await submitNoOpJobs(cluster.admin, jobs);
    log.record('e2e.submit.seconds', submitMs / 1000, 's');
    const outcome = await waitUntilFinal(cluster.admin, jobs);
    const totalMs = performance.now() - start;
    const { latenciesMs, jobsTaken } = await probe.stop();
    log.record('e2e.total.seconds', totalMs / 1000, 's');
    log.record('e2e.jobs_per_s', perSecond(jobs, totalMs), 'jobs/s');
    // The ratios use only the jobs the agents ran: the probe's jobs skipped the spawn.
    const agentPerSecond = perSecond(jobs - jobsTaken, totalMs);
    log.record('e2e.agent_jobs_per_s', agentPerSecond, 'jobs/s');
    log.record('e2e.failed', outcome.failed, 'jobs');
    log.record('e2e.claim.samples', latenciesMs.length, 'claims');
    log.record('e2e.claim.p50_ms', percentile(latenciesMs, 50), 'ms');
    log.record('e2e.claim.p95_ms', percentile(latenciesMs, 95), 'ms');
    log.record('e2e.claim.probe_jobs', jobsTaken, 'jobs');
    return agentPerSecond;
  } finally {
    await cluster.stop();
  }
}
