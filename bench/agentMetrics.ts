/**
 * `npm run bench -- agent-metrics [--jobs N] [--reps N]`: the agent's peak RSS while one job prints
 * metric lines as fast as it can (issue 19: keep the agent under 60 MB). `gantry serve` and one agent
 * (the bundle, one slot), fresh for each repetition since a peak is the process's whole life; the
 * job is `awk` writing N lines (--jobs, 100,000 by default) of
 * `::metric {"step": i, "epoch": 1, "loss": …, "acc": 0.9, "lr": 0.001}`, three points a line.
 * A repetition ends once the job succeeded and every point is stored (read back per epoch).
 * GANTRY_BENCH_AGENT_BUNDLES=a.js,b.js runs those bundles in turn, one per repetition, so two builds
 * are compared in one run (`--reps` is then per bundle); figures carry the bundle's index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGantryCluster, buildAgent, sleep, type GantryCluster } from './e2e/gantryCluster';
import type { FigureLog } from './lib/figures';
import { processCpuMs } from './lib/processCpu';
import { processMemoryMb } from './lib/processMemory';
import { spreadOf } from './lib/repeat';

const POINTS_PER_LINE = 3;

/** awk, not a node script: the job's own start and speed should not be what is measured. */
function metricJob(lines: number): string[] {
  const program = `BEGIN { for (i = 0; i < ${lines}; i++) printf "::metric {\\"step\\": %d, \\"epoch\\": 1, \\"loss\\": %.6f, \\"acc\\": 0.9, \\"lr\\": 0.001}\\n", i, 1 / (i + 1) }`;
  return ['awk', program];
}

interface MetricRun {
  peakRssMb: number;
  agentCpuMs: number;
  jobSeconds: number;
}

async function pointsStored(cluster: GantryCluster, jobId: number): Promise<number> {
  const rows = await cluster.admin.call('listMetrics', { params: { id: jobId }, query: { name: 'loss', by: 'epoch' } });
  return rows.reduce((total, row) => total + ('count' in row ? row.count : 0), 0) * POINTS_PER_LINE;
}

async function runMetricJob(lines: number, agentBundle: string | undefined): Promise<MetricRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-bench-agent-metrics-'));
  const cluster = await startGantryCluster(dataDir, 1, 1, agentBundle ? { agentBundle } : {});
  try {
    const agentPid = cluster.agentPids[0];
    const cpuBefore = processCpuMs(agentPid) ?? Number.NaN;
    const started = performance.now();
    const job = await cluster.admin.call('submitJob', { body: { command: metricJob(lines) } });
    const deadline = Date.now() + 600_000;
    for (;;) {
      const { state } = await cluster.admin.call('getJob', { params: { id: job.id } });
      if (state === 'failed' || state === 'cancelled') throw new Error(`the metric job ${state}`);
      if (state === 'succeeded' && (await pointsStored(cluster, job.id)) >= lines * POINTS_PER_LINE) break;
      if (Date.now() > deadline) throw new Error('the metric job and its points took over 10 minutes');
      await sleep(100);
    }
    const jobSeconds = (performance.now() - started) / 1000;
    const memory = processMemoryMb(agentPid);
    if (!memory) throw new Error('cannot read the agent’s /proc status');
    return { peakRssMb: memory.peak, agentCpuMs: (processCpuMs(agentPid) ?? Number.NaN) - cpuBefore, jobSeconds };
  } finally {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runAgentMetricsBench(log: FigureLog, lines: number, reps: number): Promise<void> {
  const bundles = process.env.GANTRY_BENCH_AGENT_BUNDLES?.split(',').filter(Boolean) ?? [];
  if (bundles.length === 0) await buildAgent();
  const builds: Array<string | undefined> = bundles.length > 0 ? bundles : [undefined];
  log.record('agent_metrics.lines', lines, 'lines');
  bundles.forEach((bundle, index) => log.record(`agent_metrics.bundle${index}`, bundle, 'text'));
  log.record('agent_metrics.load_before', loadavg()[0], 'load');
  const runs = builds.map(() => [] as MetricRun[]);
  for (let rep = 0; rep < reps; rep++) {
    for (const [index, bundle] of builds.entries()) runs[index].push(await runMetricJob(lines, bundle));
  }
  for (const [index, samples] of runs.entries()) {
    const prefix = bundles.length > 0 ? `agent_metrics.bundle${index}` : 'agent_metrics';
    recordSpread(log, `${prefix}.agent.rss_mb`, samples.map((run) => run.peakRssMb), 'MB');
    recordSpread(log, `${prefix}.agent.cpu_ms`, samples.map((run) => run.agentCpuMs), 'ms');
    recordSpread(log, `${prefix}.seconds`, samples.map((run) => run.jobSeconds), 's');
  }
  log.record('agent_metrics.load_after', loadavg()[0], 'load');
}

function recordSpread(log: FigureLog, figure: string, samples: number[], unit: string): void {
  const spread = spreadOf(samples);
  log.record(figure, spread.median, unit);
  log.record(`${figure}.min`, spread.min, unit);
  log.record(`${figure}.max`, spread.max, unit);
  log.record(`${figure}.all`, samples.map((value) => value.toFixed(1)).join('/'), 'text');
}
