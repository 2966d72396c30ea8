import type { FleetGauges } from '../telemetry/fleetGauges';

/**
 * Keeping a shared fleet honest and the data dir tidy: what Prometheus scrapes, GPU accounting,
 * maintenance. Read-mostly; nothing here moves a job between states.
 */
export interface Operations {
  /** Job counts per project and state, workers per state, each live GPU's newest sample, database sizes. */
  fleetGauges(): FleetGauges;
}

export type { FleetGauges, GpuGauge } from '../telemetry/fleetGauges';
