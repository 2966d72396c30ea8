/**
 * `npm run bench -- [queue|peers|e2e|agent-nice|claim-priority|ui|metrics|metrics-history|cli|abuse|ssh|preempt|slurm|artifacts|suites|agent-kill|agent-metrics] [--jobs N] [--reps N]`: runs
 * one benchmark, printing one JSON line per figure as it is measured and, at the end, all figures again
 * as one JSON list. --jobs scales every size from its default of 100,000 for quick runs; --reps (3)
 * is how many timed runs each throughput figure takes the median of.
 */
import { parseBenchArgs, type BenchArgs } from './lib/args';
import { FigureLog } from './lib/figures';
import { recordMachine } from './lib/machine';
import { peerJobCount, runPeers } from './peers';
import { runQueueBench } from './queue';
import { runE2eBench } from './e2e';
import { runAgentNiceBench } from './agentNice';
import { runClaimPriorityBench } from './claimPriority';
import { runUiBench } from './ui';
import { runMetricsBench } from './metrics';
import { runCliBench } from './cli';
import { runAbuseBench } from './abuse';
import { runSshBench } from './ssh';
import { runPreemptBench } from './preempt';
import { runSlurmBench } from './slurm';
import { runMetricsHistoryBench } from './metricsHistory';
import { runArtifactsBench } from './artifacts';
import { runSuitesBench } from './suites';
import { runAgentKillBench } from './agentKill';
import { runAgentMetricsBench } from './agentMetrics';

const BENCHES: Record<string, (log: FigureLog, args: BenchArgs) => Promise<unknown>> = {
  queue: runQueueBench,
  peers: (log, { jobs, reps }) => runPeers(log, peerJobCount(jobs), reps),
  e2e: runE2eBench,
  'agent-nice': runAgentNiceBench,
  'claim-priority': runClaimPriorityBench,
  ui: (log, { jobs }) => runUiBench(log, jobs),
  metrics: (log, { jobs }) => runMetricsBench(log, jobs),
  cli: (log) => runCliBench(log),
  abuse: (log) => runAbuseBench(log),
  ssh: (log) => runSshBench(log),
  preempt: (log) => runPreemptBench(log),
  slurm: (log, { jobs }) => runSlurmBench(log, jobs),
  'metrics-history': (log) => runMetricsHistoryBench(log),
  artifacts: (log, { reps }) => runArtifactsBench(log, reps),
  suites: (log, { jobs }) => runSuitesBench(log, jobs),
  'agent-kill': (log, { jobs, reps }) => runAgentKillBench(log, jobs, reps),
  'agent-metrics': (log, { jobs, reps }) => runAgentMetricsBench(log, jobs, reps),
};

const args = parseBenchArgs(process.argv.slice(2));
const bench = BENCHES[args.name];
if (!bench) {
  process.stderr.write(`unknown benchmark ${args.name}; one of ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
const log = new FigureLog();
recordMachine(log);
log.record('bench.name', args.name, 'text');
const start = performance.now();
try {
  await bench(log, args);
} finally {
  log.record('bench.seconds', (performance.now() - start) / 1000, 's');
  log.printSummary();
}
