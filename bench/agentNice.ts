/**
 * `npm run bench -- agent-nice [--jobs N] [--reps N]`: the e2e cluster (4 agents × 2 slots, no-op
 * jobs, the claim probe; each agent and the server in a session of its own, as production runs them)
 * with the agents yielding (`--nice 10`: the spawn helper forks the jobs at the agents' starting
 * priority, and each agent raises its threads' and its session's autogroup nice by 10), against agents
 * as shipped, which keep their priority and fork the jobs themselves (`--nice 0`), alternated run by
 * run (ABAB…, `--reps` of each, 3,000 jobs a run by default) so that both see the same load. Prints,
 * per variant, the claim's p50 and p95 over all its runs' samples, and the spread of jobs/s and of CPU
 * per job (agents, their helpers and the server together), then the ratios of the yielding agents to
 * the others.
 */
import { join } from 'node:path';
import { DEFAULT_JOBS, type BenchArgs } from './lib/args';
import type { FigureLog } from './lib/figures';
import { recordSpread, spreadOf } from './lib/repeat';
import { percentile } from './lib/stats';
import { makeTempDir } from './lib/tempDir';
import { measureGantry, type GantryRun } from './e2e';
import { buildAgent, type ClusterBuilds } from './e2e/gantryCluster';

const DEFAULT_RUN_JOBS = 3000;
const VARIANTS = [
  { name: 'same_priority_fork', agentArgs: ['--nice', '0'] },
  { name: 'yielding', agentArgs: ['--nice', '10'] },
] as const;

/** CPU per job of everything Gantry runs: the agents, their spawn helpers (none with --nice 0) and the server. */
function cpuMsPerJob(run: GantryRun): number {
  return run.agentCpuMsPerJob + (Number.isNaN(run.helperCpuMsPerJob) ? 0 : run.helperCpuMsPerJob) + run.serverCpuMsPerJob;
}

export async function runAgentNiceBench(log: FigureLog, { jobs, reps }: BenchArgs): Promise<void> {
  const runJobs = jobs === DEFAULT_JOBS ? DEFAULT_RUN_JOBS : jobs;
  const warmJobs = Math.max(100, Math.floor(runJobs / 10));
  log.record('agent_nice.jobs', runJobs, 'jobs');
  log.record('agent_nice.reps', reps, 'runs');
  await buildAgent();
  const dir = makeTempDir('agent-nice');
  const runs = new Map<string, GantryRun[]>(VARIANTS.map((v) => [v.name, []]));
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const { name, agentArgs } of VARIANTS) {
        // Sessions of their own (the default): under Linux's autogroup the agents then yield to the
        // server through their sessions' autogroup nice, which `--nice` raises (bench/README.md, e2e).
        const builds: ClusterBuilds = { agentArgs: [...agentArgs] };
        runs.get(name)?.push(await measureGantry(join(dir.path, `${name}-${rep}`), runJobs, warmJobs, builds));
      }
    }
  } finally {
    dir.remove();
  }
  const medians = new Map<string, { p95: number; jobsPerS: number; cpu: number }>();
  for (const [name, variantRuns] of runs) {
    const claims = variantRuns.flatMap((r) => r.claimMs);
    const p95 = percentile(claims, 95);
    log.record(`agent_nice.${name}.claim.p50_ms`, percentile(claims, 50), 'ms');
    log.record(`agent_nice.${name}.claim.p95_ms`, p95, 'ms');
    recordSpread(log, `agent_nice.${name}.claim.p95_ms.per_run`, spreadOf(variantRuns.map((r) => percentile(r.claimMs, 95))), 'ms');
    const jobsPerS = recordSpread(log, `agent_nice.${name}.jobs_per_s`, spreadOf(variantRuns.map((r) => r.jobsPerSecond)), 'jobs/s');
    const cpu = recordSpread(log, `agent_nice.${name}.cpu_ms_per_job`, spreadOf(variantRuns.map(cpuMsPerJob)), 'ms');
    medians.set(name, { p95, jobsPerS, cpu });
  }
  const [before, after] = VARIANTS.map((v) => medians.get(v.name));
  log.ratio('agent_nice.claim_p95.yielding_vs_fork', after?.p95, before?.p95);
  log.ratio('agent_nice.jobs_per_s.yielding_vs_fork', after?.jobsPerS, before?.jobsPerS);
  log.ratio('agent_nice.cpu_ms_per_job.yielding_vs_fork', after?.cpu, before?.cpu);
}
