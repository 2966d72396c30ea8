/**
 * `npm run bench -- claim-priority [--jobs N] [--reps N]` (as root): how much of the e2e claim's
 * latency is the wait for a core. The e2e cluster (4 agents × 2 slots, no-op jobs, the two claim
 * probes) as shipped, against the same with the server given the core first (its threads and its
 * session's autogroup at nice -10), and with the server and the probes' process both given it
 * (the bench's own threads and autogroup too), alternated run by run (3,000 jobs a run unless
 * `--jobs`). Prints per variant the claim's p50 and p95 over every sample of its runs, the p95 of each
 * part of a claim (./e2e/claimTiming.ts), and jobs/s with its spread. Lowering a nice value needs
 * root (CAP_SYS_NICE); without it the benchmark says so and stops.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JOBS, type BenchArgs } from './lib/args';
import type { FigureLog } from './lib/figures';
import { recordSpread, spreadOf } from './lib/repeat';
import { percentile } from './lib/stats';
import { makeTempDir } from './lib/tempDir';
import { measureGantry, type GantryRun } from './e2e';
import { buildAgent, type GantryCluster } from './e2e/gantryCluster';
import type { ClaimTiming } from './e2e/claimTiming';

const DEFAULT_RUN_JOBS = 3000;
const FIRST = -10;

/**
 * Every thread of `pid` to `nice`, and its session's autogroup too: with Linux's autogroup on, a nice
 * value orders threads only within their session, and sessions weigh by their autogroup's nice.
 */
function prioritize(pid: number, nice: number): void {
  for (const thread of readdirSync(`/proc/${pid}/task`)) setPriority(Number(thread), nice);
  writeFileSync(`/proc/${pid}/autogroup`, String(nice));
}

interface Variant {
  name: string;
  /** Reprioritizes once the cluster is up; returns the undo for what outlives the run (the bench's own process). */
  apply: (cluster: GantryCluster) => () => void;
}

const VARIANTS: Variant[] = [
  { name: 'as_shipped', apply: () => () => undefined },
  {
    name: 'server_first',
    apply: (cluster) => {
      prioritize(cluster.serverPid, FIRST);
      return () => undefined;
    },
  },
  {
    name: 'server_and_probes_first',
    apply: (cluster) => {
      prioritize(cluster.serverPid, FIRST);
      // The in-bench probe is this process; the own-process probe is its child, started after this.
      prioritize(process.pid, FIRST);
      return () => prioritize(process.pid, 0);
    },
  },
];

const PARTS = [
  ['before_read', (c: ClaimTiming) => c.beforeReadMs],
  ['handler', (c: ClaimTiming) => c.handlerMs],
  ['after_server', (c: ClaimTiming) => c.afterServerMs],
] as const;

export async function runClaimPriorityBench(log: FigureLog, { jobs, reps }: BenchArgs): Promise<void> {
  const runJobs = jobs === DEFAULT_JOBS ? DEFAULT_RUN_JOBS : jobs;
  const warmJobs = Math.max(100, Math.floor(runJobs / 10));
  log.record('claim_priority.jobs', runJobs, 'jobs');
  log.record('claim_priority.reps', reps, 'runs');
  try {
    setPriority(process.pid, FIRST);
    setPriority(process.pid, 0);
  } catch {
    log.record('claim_priority.error', 'lowering a nice value needs root (CAP_SYS_NICE)', 'text');
    return;
  }
  await buildAgent();
  const dir = makeTempDir('claim-priority');
  const runs = new Map<string, GantryRun[]>(VARIANTS.map((v) => [v.name, []]));
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const { name, apply } of VARIANTS) {
        let undo = (): void => undefined;
        try {
          const run = await measureGantry(join(dir.path, `${name}-${rep}`), runJobs, warmJobs, { afterStart: (cluster) => (undo = apply(cluster)) });
          runs.get(name)?.push(run);
        } finally {
          undo();
        }
      }
    }
  } finally {
    dir.remove();
  }
  for (const [name, variantRuns] of runs) recordVariant(log, name, variantRuns);
}

function recordVariant(log: FigureLog, name: string, runs: GantryRun[]): void {
  const claims = runs.flatMap((r) => [...r.claims, ...r.ownProcessClaims]);
  log.record(`claim_priority.${name}.claim.p50_ms`, percentile(claims.map((c) => c.roundTripMs), 50), 'ms');
  log.record(`claim_priority.${name}.claim.p95_ms`, percentile(claims.map((c) => c.roundTripMs), 95), 'ms');
  for (const [part, of] of PARTS) log.record(`claim_priority.${name}.claim.${part}_p95_ms`, percentile(claims.map(of).filter((ms) => !Number.isNaN(ms)), 95), 'ms');
  recordSpread(log, `claim_priority.${name}.jobs_per_s`, spreadOf(runs.map((r) => r.jobsPerSecond)), 'jobs/s');
}
