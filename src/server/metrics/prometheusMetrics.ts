/**
 * The Prometheus view of a coordinator (prom-client). Two kinds of series:
 * - gauges read from the database at scrape time (jobs by state and project, workers, GPUs, sizes),
 *   so they are right even after a restart and cost lookups, not scans;
 * - counters and histograms fed by the coordinator's event stream and by fastify's hooks (claims,
 *   finishes, lost attempts, queue wait, HTTP durations, agent channel calls), which start from zero with the process,
 *   as Prometheus counters do.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Coordinator, FleetGauges } from '../../core';
import type { QueueEvent } from '../../shared';

export interface PrometheusMetrics {
  readonly contentType: string;
  /** The whole exposition text, gauges read fresh. */
  scrape(): Promise<string>;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Finish requests run by the group commit: `count` of them, in one shared transaction or each in its own. */
  observeFinishRequests(count: number, shared: boolean): void;
  /** A call answered over an agent channel (issue 19), by its route's path and the status it would have had over HTTP. */
  observeChannelCall(route: string, status: number): void;
  close(): void;
}

const GPU_LABELS = ['worker', 'gpu', 'model'] as const;
/** Queue waits run from milliseconds (an idle fleet) to days (a big job behind a sweep). */
const WAIT_BUCKETS = [0.01, 0.1, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30];

function fleetSeries(registry: Registry) {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge<L>({ name, help, labelNames, registers: [registry] });
  return {
    jobs: gauge('gantry_jobs', 'Jobs by state and project', ['project', 'state']),
    workers: gauge('gantry_workers', 'Workers by state', ['state']),
    gpuUtilization: gauge('gantry_gpu_utilization_ratio', 'GPU utilisation, 0..1, from the newest sample', GPU_LABELS),
    gpuMemoryUsed: gauge('gantry_gpu_memory_used_bytes', 'GPU memory in use', GPU_LABELS),
    gpuMemoryTotal: gauge('gantry_gpu_memory_total_bytes', 'GPU memory in all', GPU_LABELS),
    gpuTemperature: gauge('gantry_gpu_temperature_celsius', 'GPU temperature', GPU_LABELS),
    gpuPower: gauge('gantry_gpu_power_watts', 'GPU power draw', GPU_LABELS),
    dbBytes: gauge('gantry_sqlite_database_bytes', 'Size of the SQLite database file', []),
    walBytes: gauge('gantry_sqlite_wal_bytes', 'Size of the SQLite write-ahead log', []),
    // Read from the database like the gauges, so it survives a restart; a counter (it only grows) set afresh each scrape.
    preemptions: new Counter({ name: 'gantry_preemptions_total', help: 'Attempts preempted (stopped for a higher-priority job or by an admin), by project', labelNames: ['project'], registers: [registry] }),
  };
}

type FleetSeries = ReturnType<typeof fleetSeries>;

function setFleet(series: FleetSeries, fleet: FleetGauges): void {
  for (const g of Object.values(series)) g.reset();
  for (const { project, state, count } of fleet.jobs) series.jobs.set({ project, state }, count);
  for (const { state, count } of fleet.workers) series.workers.set({ state }, count);
  const MB = 1024 * 1024;
  for (const gpu of fleet.gpus) {
    const labels = { worker: gpu.worker, gpu: String(gpu.gpu), model: gpu.model };
    // Samples say null where the driver printed [N/A]: no series beats a made-up zero.
    if (gpu.utilization_pct !== null) series.gpuUtilization.set(labels, gpu.utilization_pct / 100);
    if (gpu.memory_used_mb !== null) series.gpuMemoryUsed.set(labels, gpu.memory_used_mb * MB);
    if (gpu.memory_total_mb !== null) series.gpuMemoryTotal.set(labels, gpu.memory_total_mb * MB);
    if (gpu.temperature_c !== null) series.gpuTemperature.set(labels, gpu.temperature_c);
    if (gpu.power_w !== null) series.gpuPower.set(labels, gpu.power_w);
  }
  series.preemptions.reset();
  for (const { project, count } of fleet.preemptions) series.preemptions.inc({ project }, count);
  series.dbBytes.set(fleet.database.bytes);
  series.walBytes.set(fleet.database.wal_bytes);
}

function eventSeries(registry: Registry) {
  return {
    claims: new Counter({ name: 'gantry_claims_total', help: 'Jobs handed to workers', registers: [registry] }),
    finishes: new Counter({ name: 'gantry_attempt_finishes_total', help: 'Attempts that ended, by outcome (lost ones too)', labelNames: ['outcome'], registers: [registry] }),
    lost: new Counter({ name: 'gantry_attempts_lost_total', help: 'Attempts lost: lease expired, worker gone or restarted, or handed back', registers: [registry] }),
    queueWait: new Histogram({ name: 'gantry_queue_wait_seconds', help: 'Time from queued to claimed', buckets: WAIT_BUCKETS, registers: [registry] }),
  };
}

/** Which outcome an event reports, once per attempt: lost attempts by attempt.lost alone, not by the requeue that follows. */
function finishOutcome(event: QueueEvent): string | null {
  const reason = typeof event.data.reason === 'string' ? event.data.reason : null;
  switch (event.type) {
    case 'job.succeeded':
      return 'succeeded';
    case 'job.failed':
    case 'job.requeued':
      return reason === 'lost' ? null : reason;
    case 'job.cancelled':
      return event.data.by === 'worker' ? 'cancelled' : null;
    case 'attempt.ended':
      return typeof event.data.outcome === 'string' ? event.data.outcome : null;
    case 'attempt.lost':
      return 'lost';
    default:
      return null;
  }
}

/**
 * Event-loop delay since the previous scrape. prom-client's default set has one too, but that set
 * fails `promtool check metrics` (gauges named `*_total`) and its monitor can never be stopped.
 */
function eventLoopLag(registry: Registry) {
  const monitor = monitorEventLoopDelay({ resolution: 10 });
  monitor.enable();
  new Gauge({
    name: 'gantry_event_loop_lag_seconds',
    help: 'Event-loop delay since the previous scrape, by quantile',
    labelNames: ['quantile'],
    registers: [registry],
    collect() {
      this.reset();
      // Each reading includes the sampling interval itself (an idle loop reads 10 ms): subtract it.
      const seconds = (ns: number) => Math.max(0, ns - 10e6) / 1e9;
      if (monitor.count > 0) {
        this.set({ quantile: '0.5' }, seconds(monitor.percentile(50)));
        this.set({ quantile: '0.99' }, seconds(monitor.percentile(99)));
        this.set({ quantile: '1' }, seconds(monitor.max));
      }
      monitor.reset();
    },
  });
  return monitor;
}

export function createPrometheusMetrics(coordinator: Coordinator): PrometheusMetrics {
  const registry = new Registry();
  const lag = eventLoopLag(registry);
  const fleet = fleetSeries(registry);
  const events = eventSeries(registry);
  const http = new Histogram({
    name: 'gantry_http_request_duration_seconds',
    help: 'HTTP request durations by route (long-polled claims wait on purpose)',
    labelNames: ['method', 'route', 'status'],
    buckets: HTTP_BUCKETS,
    registers: [registry],
  });

  const finishRequests = new Counter({
    name: 'gantry_finish_requests_total',
    help: "Agents' finish requests, by whether the group commit ran them in a transaction shared with others",
    labelNames: ['transaction'],
    registers: [registry],
  });

  const channelCalls = new Counter({
    name: 'gantry_agent_channel_calls_total',
    help: "Agents' calls answered over their channel (a WebSocket) instead of HTTP, by route and status",
    labelNames: ['route', 'status'],
    registers: [registry],
  });

  const unsubscribe = coordinator.subscribe((event) => {
    if (event.type === 'job.claimed') {
      events.claims.inc();
      if (typeof event.data.waited_ms === 'number') events.queueWait.observe(event.data.waited_ms / 1000);
    }
    if (event.type === 'attempt.lost') events.lost.inc();
    const outcome = finishOutcome(event);
    if (outcome) events.finishes.inc({ outcome });
  });

  return {
    contentType: registry.contentType,
    scrape: async () => {
      setFleet(fleet, coordinator.operations.fleetGauges());
      return registry.metrics();
    },
    observeRequest: (method, route, status, seconds) => http.observe({ method, route, status: String(status) }, seconds),
    observeFinishRequests: (count, shared) => finishRequests.inc({ transaction: shared ? 'shared' : 'own' }, count),
    observeChannelCall: (route, status) => channelCalls.inc({ route, status: String(status) }),
    close: () => {
      unsubscribe();
      lag.disable();
    },
  };
}
