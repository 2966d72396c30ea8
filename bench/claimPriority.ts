/**
 * `npm run bench -- claim-priority [--jobs N] [--reps N]`: how much of the e2e claim's latency is the
 * wait for a core. The e2e cluster (4 agents × 2 slots, no-op jobs, the two claim probes) as shipped,
 * against the same with the server given the core first (its threads and its session's autogroup at
 * nice -10), with the server and the probes' process both given it (the bench's own threads and
 * autogroup too), and with a short EEVDF slice instead (issue 19: `sched_attr.sched_runtime`, Linux
 * ≥ 6.12, no privilege needed) on the server's main thread, then the agents' and the probes' too;
 * alternated run by run (3,000 jobs a run unless `--jobs`). Prints per variant the claim's p50 and p95
 * over every sample of its runs, the per-run p95's spread, the p95 of each part of a claim
 * (./e2e/claimTiming.ts) and inside the server, the agent channel's p50 / p95, and jobs/s with its
 * spread. Lowering a nice value needs root (CAP_SYS_NICE); without it the nice variants are skipped
 * and the benchmark says so. `CLAIM_PRIORITY_VARIANTS=a,b` runs only the named variants.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { loadavg, setPriority } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_JOBS, type BenchArgs } from './lib/args';
import type { FigureLog } from './lib/figures';
import { recordSpread, spreadOf } from './lib/repeat';
import { percentile } from './lib/stats';
import { setSchedSlice } from './lib/schedSlice';
import { makeTempDir } from './lib/tempDir';
import { measureGantry, type GantryRun } from './e2e';
import { buildAgent, type GantryCluster } from './e2e/gantryCluster';
import type { ClaimTiming } from './e2e/claimTiming';

const DEFAULT_RUN_JOBS = 3000;
const FIRST = -10;
/** The shortest slice EEVDF grants (0.1 ms; the default here is 1.4 ms). */
const SHORT_SLICE_NS = 100_000;

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
  /** Lowering a nice value needs CAP_SYS_NICE; a shorter slice does not. */
  needsRoot: boolean;
  /** Reprioritizes once the cluster is up; returns the undo for what outlives the run (the bench's own process). */
  apply: (cluster: GantryCluster) => () => void;
}

/**
 * The server's and agents' main threads (tid = pid) get the short slice with reset-on-fork, as a
 * process would set its own: their later threads and the agents' jobs start at the default.
 */
function shortenSlices(pids: number[], ns = SHORT_SLICE_NS): void {
  for (const pid of pids) expectSlice(pid, setSchedSlice(pid, ns, true), ns);
}

/** A kernel without custom slices (< 6.12) takes the call and ignores it: such a run would measure nothing. */
function expectSlice(tid: number, got: number, ns: number): void {
  if (got !== ns) throw new Error(`thread ${tid}'s slice is ${got} ns after asking for ${ns}: this kernel has no custom slices (Linux ≥ 6.12)`);
}

/**
 * The bench's main thread, without reset-on-fork: the own-process probe, forked from it after this,
 * inherits the short slice (every thread of it does: it is a stand-in for an agent's side).
 */
function shortenBenchSlice(): () => void {
  expectSlice(process.pid, setSchedSlice(process.pid, SHORT_SLICE_NS, false), SHORT_SLICE_NS);
  return () => void setSchedSlice(process.pid, 0, false);
}

const VARIANTS: Variant[] = [
  { name: 'as_shipped', needsRoot: false, apply: () => () => undefined },
  {
    name: 'server_first',
    needsRoot: true,
    apply: (cluster) => {
      prioritize(cluster.serverPid, FIRST);
      return () => undefined;
    },
  },
  {
    name: 'server_and_probes_first',
    needsRoot: true,
    apply: (cluster) => {
      prioritize(cluster.serverPid, FIRST);
      // The in-bench probe is this process; the own-process probe is its child, started after this.
      prioritize(process.pid, FIRST);
      return () => prioritize(process.pid, 0);
    },
  },
  {
    name: 'server_slice',
    needsRoot: false,
    apply: (cluster) => {
      shortenSlices([cluster.serverPid]);
      return () => undefined;
    },
  },
  {
    name: 'server_slice_300us',
    needsRoot: false,
    apply: (cluster) => {
      shortenSlices([cluster.serverPid], 3 * SHORT_SLICE_NS);
      return () => undefined;
    },
  },
  {
    name: 'server_and_agents_slice',
    needsRoot: false,
    apply: (cluster) => {
      shortenSlices([cluster.serverPid, ...cluster.agentPids]);
      return () => undefined;
    },
  },
  {
    name: 'server_agents_and_probes_slice',
    needsRoot: false,
    apply: (cluster) => {
      shortenSlices([cluster.serverPid, ...cluster.agentPids]);
      return shortenBenchSlice();
    },
  },
];

/** Root's variants where this process may lower a nice value, narrowed by `CLAIM_PRIORITY_VARIANTS`. */
function variantsToRun(log: FigureLog): Variant[] {
  const named = process.env.CLAIM_PRIORITY_VARIANTS?.split(',').filter(Boolean);
  const unknown = named?.filter((name) => !VARIANTS.some((v) => v.name === name)) ?? [];
  if (unknown.length > 0) throw new Error(`CLAIM_PRIORITY_VARIANTS: no variant ${unknown.join(', ')}; there are ${VARIANTS.map((v) => v.name).join(', ')}`);
  const chosen = named ? VARIANTS.filter((v) => named.includes(v.name)) : VARIANTS;
  if (canLowerNice()) return chosen;
  log.record('claim_priority.skipped', 'lowering a nice value needs root (CAP_SYS_NICE): the nice variants are skipped', 'text');
  return chosen.filter((v) => !v.needsRoot);
}

function canLowerNice(): boolean {
  try {
    setPriority(process.pid, FIRST);
    setPriority(process.pid, 0);
    return true;
  } catch {
    return false;
  }
}

const PARTS = [
  ['before_read', (c: ClaimTiming) => c.beforeReadMs],
  ['handler', (c: ClaimTiming) => c.handlerMs],
  ['server', (c: ClaimTiming) => c.serverMs],
  ['after_server', (c: ClaimTiming) => c.afterServerMs],
] as const;

export async function runClaimPriorityBench(log: FigureLog, { jobs, reps }: BenchArgs): Promise<void> {
  const runJobs = jobs === DEFAULT_JOBS ? DEFAULT_RUN_JOBS : jobs;
  const warmJobs = Math.max(100, Math.floor(runJobs / 10));
  log.record('claim_priority.jobs', runJobs, 'jobs');
  log.record('claim_priority.reps', reps, 'runs');
  const variants = variantsToRun(log);
  await buildAgent();
  const dir = makeTempDir('claim-priority');
  const runs = new Map<string, GantryRun[]>(variants.map((v) => [v.name, []]));
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const { name, apply } of variants) {
        let undo = (): void => undefined;
        try {
          const loadBefore = loadavg()[0];
          const run = await measureGantry(join(dir.path, `${name}-${rep}`), runJobs, warmJobs, { afterStart: (cluster) => (undo = apply(cluster)) });
          runs.get(name)?.push(run);
          log.record(`claim_priority.${name}.run_${rep}.load`, `${loadBefore.toFixed(1)}–${loadavg()[0].toFixed(1)}`, 'text');
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
  const claimsOf = (r: GantryRun): ClaimTiming[] => [...r.claims, ...r.ownProcessClaims];
  const claims = runs.flatMap(claimsOf);
  log.record(`claim_priority.${name}.claim.p50_ms`, percentile(claims.map((c) => c.roundTripMs), 50), 'ms');
  log.record(`claim_priority.${name}.claim.p95_ms`, percentile(claims.map((c) => c.roundTripMs), 95), 'ms');
  const perRun = runs.map((r) => percentile(claimsOf(r).map((c) => c.roundTripMs), 95));
  recordSpread(log, `claim_priority.${name}.claim.p95_ms.per_run`, spreadOf(perRun), 'ms');
  log.record(`claim_priority.${name}.claim.p95_ms.runs`, perRun.map((ms) => ms.toFixed(1)).join(', '), 'text');
  for (const [part, of] of PARTS) log.record(`claim_priority.${name}.claim.${part}_p95_ms`, percentile(claims.map(of).filter((ms) => !Number.isNaN(ms)), 95), 'ms');
  const channel = runs.flatMap((r) => r.channelClaimMs);
  log.record(`claim_priority.${name}.claim.channel_p50_ms`, percentile(channel, 50), 'ms');
  log.record(`claim_priority.${name}.claim.channel_p95_ms`, percentile(channel, 95), 'ms');
  recordSpread(log, `claim_priority.${name}.jobs_per_s`, spreadOf(runs.map((r) => r.jobsPerSecond)), 'jobs/s');
  log.record(`claim_priority.${name}.jobs_per_s.runs`, runs.map((r) => r.jobsPerSecond.toFixed(0)).join(', '), 'text');
  // How long the server's and the probe's main threads waited for a core each time they got one: what a short slice or a nice value acts on.
  recordSpread(log, `claim_priority.${name}.server.cpu_wait_ms_per_slice`, spreadOf(runs.map((r) => r.serverCpuWaitMsPerSlice)), 'ms');
  recordSpread(log, `claim_priority.${name}.probe.cpu_wait_ms_per_slice`, spreadOf(runs.map((r) => r.probeCpuWaitMsPerSlice)), 'ms');
  recordSpread(log, `claim_priority.${name}.server.cpu_ms_per_job`, spreadOf(runs.map((r) => r.serverCpuMsPerJob)), 'ms');
}
