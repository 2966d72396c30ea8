/**
 * Run in a process of its own by the queue benchmark: opens a large database as a coordinator
 * would, times a fixed mix of list queries, and reports the latencies and this process's RSS.
 * Usage: timeListQueries.ts <dataDir> <cursorsFile> <queries>
 */
import { readFileSync } from 'node:fs';
import { createCoordinator } from '../../src/core';
import { FigureLog } from '../lib/figures';
import { seededRandom } from '../lib/random';
import { percentile } from '../lib/stats';
import { QUERY_KINDS, listQuery, type QueryKind } from './listQueryMix';

const [dataDir, cursorsFile, queriesArg] = process.argv.slice(2);
const queries = Number(queriesArg);
const deepCursors = JSON.parse(readFileSync(cursorsFile, 'utf8')) as string[];
const log = new FigureLog();
const random = seededRandom(42);

const openStart = performance.now();
const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
log.record('queue.large.open_ms', performance.now() - openStart, 'ms');

const all: number[] = [];
const byKind = new Map<QueryKind, number[]>(QUERY_KINDS.map((k) => [k, []]));
for (let i = 0; i < queries; i++) {
  const kind = QUERY_KINDS[i % QUERY_KINDS.length];
  const query = listQuery(kind, random, deepCursors);
  const start = performance.now();
  coordinator.listJobs(query);
  const ms = performance.now() - start;
  all.push(ms);
  byKind.get(kind)?.push(ms);
}
log.record('queue.list.queries', queries, 'queries');
log.record('queue.list.p50_ms', percentile(all, 50), 'ms');
log.record('queue.list.p95_ms', percentile(all, 95), 'ms');
log.record('queue.list.max_ms', Math.max(...all), 'ms');
for (const [kind, samples] of byKind) log.record(`queue.list.${kind}.p95_ms`, percentile(samples, 95), 'ms');

const countSamples: number[] = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  coordinator.countJobs();
  countSamples.push(performance.now() - start);
}
log.record('queue.count.p50_ms', percentile(countSamples, 50), 'ms');

log.record('queue.large.rss_mb', process.memoryUsage().rss / 2 ** 20, 'MB');
coordinator.close();
