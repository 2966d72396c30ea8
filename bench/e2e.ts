/**
 * `npm run bench -- e2e`: no-op jobs (`true`) through `gantry serve` and 4 agent processes on
 * loopback, 8 jobs at a time in all, against the same count of the same jobs run by a small fresh
 * Node process spawning 8 at a time (the machine's floor), by xargs and by task-spooler with 8
 * slots, measured in the same run and alternated: each repetition runs every system once, so the
 * ratios of one repetition compare runs made within a minute of each other. Each figure is the
 * median of `--reps` runs after a warm-up of each system.
 */
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { BenchArgs } from './lib/args';
import type { FigureLog } from './lib/figures';
import { processCpuMs } from './lib/processCpu';
import { childPids, processMemoryMb } from './lib/processMemory';
import { recordSpread, spreadOf } from './lib/repeat';
import { percentile, perSecond } from './lib/stats';
import { schedStat, schedWait } from './lib/schedStat';
import { makeTempDir } from './lib/tempDir';
import { startClaimProbe, startOwnProcessClaimProbe } from './e2e/claimProbe';
import { recordClaimParts, type ClaimTiming, type Window } from './e2e/claimTiming';
import { buildAgent, startGantryCluster, type ClusterBuilds } from './e2e/gantryCluster';
import { measureRawSpawn } from './e2e/rawSpawn';
import { measureXargsSpawn } from './e2e/xargsSpawn';
import { agentRequestsPerJob, requestCounts, sharedFinishShare } from './e2e/serverRequests';
import { submitNoOpJobs, waitUntilFinal } from './e2e/submitOverHttp';
import { findTaskSpooler, measureTaskSpooler } from './e2e/taskSpooler';

const AGENTS = 4;
const SLOTS_PER_AGENT = 2;
const SLOTS = AGENTS * SLOTS_PER_AGENT;

export interface GantryRun {
  jobsPerSecond: number;
  /** The in-bench probe's claims' round trips, in ms. */
  claimMs: number[];
  /** The same claims cut into their parts (./e2e/claimTiming.ts). */
  claims: ClaimTiming[];
  /** Claims of the same probe run as a small process of its own, over HTTP. */
  ownProcessClaims: ClaimTiming[];
  /** That process's other claims, over the agent channel (a WebSocket, as the agents call): round trips in ms. */
  channelClaimMs: number[];
  /** When each submit request of the timed run was in flight (monotonic ms). */
  submitWindows: Window[];
  /** p95 of how late the probe's event loop ran, in ms. */
  probeLoopDelayP95Ms: number;
  /** Ms the server's and the probe's main threads waited for a core, each time they got one. */
  serverCpuWaitMsPerSlice: number;
  serverCpuWaitMsPerS: number;
  probeCpuWaitMsPerSlice: number;
  probeJobs: number;
  submitSeconds: number;
  agentPeakMb: number;
  /** Of the agents' spawn helpers (a process of their own, not counted in agentPeakMb). */
  helperPeakMb: number;
  serverPeakMb: number;
  /** CPU the agents (all together, without their jobs) and the server used per timed job. */
  agentCpuMsPerJob: number;
  /** CPU the agents' spawn helpers used per timed job: the jobs' forks are theirs. */
  helperCpuMsPerJob: number;
  serverCpuMsPerJob: number;
  /** Requests the agents (and the probe, a few per second) made per timed job, by route. */
  requestsPerJob: Map<string, number>;
  /** Of the finish requests, the share that shared a transaction with others (group commit). */
  finishSharedShare: number;
}

export async function runE2eBench(log: FigureLog, { jobs, reps }: BenchArgs): Promise<void> {
  const warmJobs = Math.max(100, Math.floor(jobs / 10));
  const dir = makeTempDir('e2e');
  try {
    log.record('e2e.slots', SLOTS, 'jobs');
    log.record('e2e.jobs', jobs, 'jobs');
    log.record('e2e.reps', reps, 'runs');
    const tsp = findTaskSpooler();
    if (!tsp) log.record('e2e.task_spooler.error', 'task-spooler is not installed (apt-get install -y task-spooler)', 'text');
    await buildAgent();
    const { raws, rawsAsAgents, xargses, tsps, runs } = await measureAlternated(log, dir.path, tsp, jobs, warmJobs, reps);
    const raw = recordSpread(log, 'e2e.raw_spawn.jobs_per_s', spreadOf(raws), 'jobs/s');
    const rawAsAgents = recordSpread(log, 'e2e.raw_spawn_4x2.jobs_per_s', spreadOf(rawsAsAgents), 'jobs/s');
    const xargs = recordSpread(log, 'e2e.xargs_spawn.jobs_per_s', spreadOf(xargses), 'jobs/s');
    const tspPerSecond = tsps.length > 0 ? recordSpread(log, 'e2e.task_spooler.jobs_per_s', spreadOf(tsps), 'jobs/s') : undefined;
    const gantry = recordGantry(log, runs);
    log.ratio('e2e.vs_raw_spawn', gantry, raw);
    // Each repetition's own ratio: raw spawn and Gantry measured within a minute of each other.
    recordSpread(log, 'e2e.vs_raw_spawn.paired', spreadOf(runs.map((run, rep) => run.jobsPerSecond / raws[rep])), 'ratio');
    // Against the same spawning in the agents' layout (4 processes × 2 slots): fair under others' load too.
    log.ratio('e2e.vs_raw_spawn_4x2', gantry, rawAsAgents);
    recordSpread(log, 'e2e.vs_raw_spawn_4x2.paired', spreadOf(runs.map((run, rep) => run.jobsPerSecond / rawsAsAgents[rep])), 'ratio');
    log.ratio('e2e.vs_task_spooler', gantry, tspPerSecond);
    // Whether the two goals can both be met: 1.5× task-spooler is this many times the fastest spawner measured.
    log.ratio('e2e.task_spooler_goal.vs_xargs_spawn', tspPerSecond === undefined ? undefined : 1.5 * tspPerSecond, xargs);
    log.ratio('e2e.task_spooler.vs_raw_spawn', tspPerSecond, raw);
  } finally {
    dir.remove();
  }
}

/**
 * One warm-up of each system, then `reps` repetitions of raw spawn, xargs, task-spooler (where
 * installed) and Gantry, one after the other: a change of load between repetitions then moves
 * every system of that repetition, and the per-repetition ratios show it.
 */
async function measureAlternated(log: FigureLog, root: string, tsp: string | null, jobs: number, warmJobs: number, reps: number) {
  const runTsp = (count: number, rep: number | string) => (tsp ? measureTaskSpooler(tsp, makeRunDir(root, `tsp-${rep}`), count, SLOTS) : undefined);
  await measureRawSpawn(warmJobs, SLOTS);
  await measureRawSpawn(warmJobs, SLOTS, AGENTS);
  await measureXargsSpawn(warmJobs, SLOTS);
  await runTsp(warmJobs, 'warm');
  const raws: number[] = [];
  const rawsAsAgents: number[] = [];
  const xargses: number[] = [];
  const tsps: number[] = [];
  const runs: GantryRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const loadBefore = loadavg()[0];
    raws.push(await measureRawSpawn(jobs, SLOTS));
    rawsAsAgents.push(await measureRawSpawn(jobs, SLOTS, AGENTS));
    xargses.push(await measureXargsSpawn(jobs, SLOTS));
    const tspRate = await runTsp(jobs, rep);
    if (tspRate !== undefined) tsps.push(tspRate);
    // measureGantry warms its own fresh cluster up first.
    runs.push(await measureGantry(join(root, `gantry-${rep}`), jobs, warmJobs));
    // Printed as it is measured, so a run cut short still leaves its repetitions; load is the 1-minute average.
    const rates = { raw_spawn: raws[rep], raw_spawn_4x2: rawsAsAgents[rep], xargs_spawn: xargses[rep], task_spooler: tspRate ?? null, gantry: runs[rep].jobsPerSecond };
    log.record(`e2e.repetition.${rep}`, JSON.stringify({ ...roundAll(rates), load_before: loadBefore, load_after: loadavg()[0] }), 'text');
  }
  return { raws, rawsAsAgents, xargses, tsps, runs };
}

/** Jobs per second rounded to whole jobs, for a line a person reads. */
function roundAll(rates: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(rates).map(([name, rate]) => [name, rate === null ? null : Math.round(rate)]));
}

/** A folder of its own per task-spooler run: its socket and list start empty each time. */
function makeRunDir(root: string, name: string): string {
  const path = join(root, name);
  mkdirSync(path);
  return path;
}

function recordGantry(log: FigureLog, runs: GantryRun[]): number {
  const median = recordSpread(log, 'e2e.jobs_per_s', spreadOf(runs.map((r) => r.jobsPerSecond)), 'jobs/s');
  recordSpread(log, 'e2e.submit.seconds', spreadOf(runs.map((r) => r.submitSeconds)), 's');
  const latencies = runs.flatMap((r) => r.claimMs);
  log.record('e2e.claim.samples', latencies.length, 'claims');
  log.record('e2e.claim.p50_ms', percentile(latencies, 50), 'ms');
  log.record('e2e.claim.p95_ms', percentile(latencies, 95), 'ms');
  recordSpread(log, 'e2e.claim.p95_ms.per_run', spreadOf(runs.map((r) => percentile(r.claimMs, 95))), 'ms');
  recordClaimBreakdown(log, runs);
  log.record('e2e.claim.probe_jobs', runs.reduce((sum, r) => sum + r.probeJobs, 0), 'jobs');
  recordSpread(log, 'e2e.agent.rss_mb', spreadOf(runs.map((r) => r.agentPeakMb)), 'MB');
  recordSpread(log, 'e2e.agent.spawn_helper.rss_mb', spreadOf(runs.map((r) => r.helperPeakMb)), 'MB');
  recordSpread(log, 'e2e.server.rss_mb', spreadOf(runs.map((r) => r.serverPeakMb)), 'MB');
  recordSpread(log, 'e2e.agent.cpu_ms_per_job', spreadOf(runs.map((r) => r.agentCpuMsPerJob)), 'ms');
  recordSpread(log, 'e2e.agent.spawn_helper.cpu_ms_per_job', spreadOf(runs.map((r) => r.helperCpuMsPerJob)), 'ms');
  recordSpread(log, 'e2e.server.cpu_ms_per_job', spreadOf(runs.map((r) => r.serverCpuMsPerJob)), 'ms');
  recordSpread(log, 'e2e.requests_per_job', spreadOf(runs.map((r) => [...r.requestsPerJob.values()].reduce((a, b) => a + b, 0))), 'requests');
  recordSpread(log, 'e2e.server.finish_requests_shared', spreadOf(runs.map((r) => r.finishSharedShare)), 'share');
  const lastRun = runs[runs.length - 1].requestsPerJob;
  log.record('e2e.requests_per_job.by_route', JSON.stringify(Object.fromEntries([...lastRun].map(([route, n]) => [route, Number(n.toFixed(3))]))), 'text');
  return median;
}

/**
 * Where a probe claim's time goes: inside the server (Server-Timing), and outside it (loopback, the
 * request waiting for the server's event loop and for a core, the probe's own process), with how
 * long the server's and the probe's main threads waited for a core each time they got one.
 */
function recordClaimBreakdown(log: FigureLog, runs: GantryRun[]): void {
  const server = runs.flatMap((r) => r.claims.map((c) => c.serverMs)).filter((ms) => !Number.isNaN(ms));
  const outside = runs.flatMap((r) => r.claims.map((c) => c.roundTripMs - c.serverMs)).filter((ms) => !Number.isNaN(ms));
  const ownProcess = runs.flatMap((r) => r.ownProcessClaims.map((c) => c.roundTripMs));
  log.record('e2e.claim.own_process_p50_ms', percentile(ownProcess, 50), 'ms');
  log.record('e2e.claim.own_process_p95_ms', percentile(ownProcess, 95), 'ms');
  const channel = runs.flatMap((r) => r.channelClaimMs);
  log.record('e2e.claim.channel_samples', channel.length, 'claims');
  log.record('e2e.claim.channel_p50_ms', percentile(channel, 50), 'ms');
  log.record('e2e.claim.channel_p95_ms', percentile(channel, 95), 'ms');
  log.record('e2e.claim.server_p50_ms', percentile(server, 50), 'ms');
  log.record('e2e.claim.server_p95_ms', percentile(server, 95), 'ms');
  log.record('e2e.claim.outside_server_p50_ms', percentile(outside, 50), 'ms');
  log.record('e2e.claim.outside_server_p95_ms', percentile(outside, 95), 'ms');
  // Both probes' claims: the parts of a claim do not depend on which process sent it.
  recordClaimParts(log, runs.flatMap((r) => [...r.claims, ...r.ownProcessClaims]), runs.flatMap((r) => r.submitWindows));
  recordSpread(log, 'e2e.claim.probe_loop_delay_p95_ms', spreadOf(runs.map((r) => r.probeLoopDelayP95Ms)), 'ms');
  recordSpread(log, 'e2e.claim.probe_cpu_wait_ms_per_slice', spreadOf(runs.map((r) => r.probeCpuWaitMsPerSlice)), 'ms');
  recordSpread(log, 'e2e.server.cpu_wait_ms_per_slice', spreadOf(runs.map((r) => r.serverCpuWaitMsPerSlice)), 'ms');
  recordSpread(log, 'e2e.server.cpu_wait_ms_per_s', spreadOf(runs.map((r) => r.serverCpuWaitMsPerS)), 'ms');
}

/**
 * CPU used so far by the agents together, by their spawn helpers together (`helperPids`: started with
 * the first job, so looked up after the warm-up) and by the server, in ms (NaN where /proc cannot say).
 */
function cpuOf(cluster: { agentPids: number[]; serverPid: number }, helperPids: number[]): { agents: number; helpers: number; server: number } {
  const sum = (pids: number[]): number => pids.reduce((total, pid) => total + (processCpuMs(pid) ?? Number.NaN), 0);
  return { agents: sum(cluster.agentPids), helpers: sum(helperPids), server: processCpuMs(cluster.serverPid) ?? Number.NaN };
}

/**
 * One run on a fresh cluster: `warmJobs` jobs run to the end first (agents warmed up, connections
 * open), then the probe starts and `jobs` more are submitted; the clock runs from their first
 * submit to the last final. The probe's jobs skip the spawn, so they are not counted.
 */
export async function measureGantry(dataDir: string, jobs: number, warmJobs: number, builds: ClusterBuilds = {}): Promise<GantryRun> {
  const cluster = await startGantryCluster(dataDir, AGENTS, SLOTS_PER_AGENT, builds);
  try {
    builds.afterStart?.(cluster);
    await submitNoOpJobs(cluster.admin, warmJobs, 'warm');
    await waitUntilFinal(cluster.admin, warmJobs);
    const probe = await startClaimProbe(cluster.url, cluster.workerToken);
    const ownProcessProbe = await startOwnProcessClaimProbe(cluster.url, cluster.workerToken);
    const requestsBefore = await requestCounts(cluster.admin);
    // The agents' children are their spawn helpers; jobs are the helpers' children.
    const helperPids = cluster.agentPids.flatMap((pid) => childPids(pid));
    const cpuBefore = cpuOf(cluster, helperPids);
    const schedBefore = { server: schedStat(cluster.serverPid), probe: schedStat(process.pid) };
    const start = performance.now();
    const submitWindows: Window[] = [];
    const submitMs = await submitNoOpJobs(cluster.admin, jobs, 'noop', submitWindows);
    await waitUntilFinal(cluster.admin, warmJobs + jobs);
    const totalMs = performance.now() - start;
    const cpuAfter = cpuOf(cluster, helperPids);
    const serverWait = schedWait(schedBefore.server, schedStat(cluster.serverPid), totalMs);
    const probeWait = schedWait(schedBefore.probe, schedStat(process.pid), totalMs);
    const requestsAfter = await requestCounts(cluster.admin);
    const { claims, jobsTaken: inBenchJobs, probeLoopDelayP95Ms } = await probe.stop();
    const ownProcess = await ownProcessProbe.stop();
    const jobsTaken = inBenchJobs + ownProcess.jobsTaken;
    const peaks = cluster.agentPids.map((pid) => processMemoryMb(pid)?.peak ?? Number.NaN);
    const helperPeaks = helperPids.map((pid) => processMemoryMb(pid)?.peak ?? Number.NaN);
    return {
      jobsPerSecond: perSecond(jobs - jobsTaken, totalMs),
      claimMs: claims.map((c) => c.roundTripMs),
      claims,
      ownProcessClaims: ownProcess.claims,
      channelClaimMs: ownProcess.channelMs,
      submitWindows,
      probeLoopDelayP95Ms,
      serverCpuWaitMsPerSlice: serverWait.msPerSlice,
      serverCpuWaitMsPerS: serverWait.msPerS,
      probeCpuWaitMsPerSlice: probeWait.msPerSlice,
      probeJobs: jobsTaken,
      submitSeconds: submitMs / 1000,
      agentPeakMb: Math.max(...peaks),
      helperPeakMb: helperPeaks.length > 0 ? Math.max(...helperPeaks) : Number.NaN,
      serverPeakMb: processMemoryMb(cluster.serverPid)?.peak ?? Number.NaN,
      agentCpuMsPerJob: (cpuAfter.agents - cpuBefore.agents) / jobs,
      helperCpuMsPerJob: helperPids.length === 0 ? Number.NaN : (cpuAfter.helpers - cpuBefore.helpers) / jobs,
      serverCpuMsPerJob: (cpuAfter.server - cpuBefore.server) / jobs,
      requestsPerJob: agentRequestsPerJob(requestsBefore, requestsAfter, jobs),
      finishSharedShare: sharedFinishShare(requestsBefore, requestsAfter),
    };
  } finally {
    await cluster.stop();
  }
}
