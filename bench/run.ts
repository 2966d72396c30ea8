/**
 * `npm run bench -- [queue|peers|e2e|metrics|metrics-history|cli|abuse|ssh|preempt] [--jobs N]`: runs one benchmark, printing one JSON line
 * per figure as it is measured and, at the end, all figures again as one JSON list.
 * --jobs scales every size from its default of 100,000 for quick runs.
 */
import { parseBenchArgs } from './lib/args';
import { FigureLog } from './lib/figures';
import { recordMachine } from './lib/machine';
import { peerJobCount, runPeers } from './peers';
import { runQueueBench } from './queue';
import { runE2eBench } from './e2e';
import { runMetricsBench } from './metrics';
import { runCliBench } from './cli';
import { runAbuseBench } from './abuse';
import { runSshBench } from './ssh';
import { runPreemptBench } from './preempt';
import { runMetricsHistoryBench } from './metricsHistory';

const BENCHES: Record<string, (log: FigureLog, jobs: number) => Promise<unknown>> = {
  queue: runQueueBench,
  peers: (log, jobs) => runPeers(log, peerJobCount(jobs)),
  e2e: runE2eBench,
  metrics: runMetricsBench,
  cli: runCliBench,
  abuse: runAbuseBench,
  ssh: (log) => runSshBench(log),
  preempt: (log) => runPreemptBench(log),
  'metrics-history': (log) => runMetricsHistoryBench(log),
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
  await bench(log, args.jobs);
} finally {
  log.record('bench.seconds', (performance.now() - start) / 1000, 's');
  log.printSummary();
}
