import type { ChatLink, ChatLinkCode, IdleGpu, MaintenanceRequest, MaintenanceTask, StatsGrouping, StatsReport } from '../../shared';
import type { Notifications } from '../notifications/notifier';
import type { FleetGauges } from '../telemetry/fleetGauges';

/**
 * Keeping a shared fleet honest and the data dir tidy: what Prometheus scrapes, GPU accounting,
 * maintenance. Nothing here moves a job between states.
 */
export interface Operations {
  /** Job counts per project and state, workers per state, each live GPU's newest sample, database sizes. */
  fleetGauges(): FleetGauges;
  /** GPU-hours and idle GPU-hours per project, label or worker over a period; jobs per hour; GPUs idle now. */
  stats(query: { sinceMs: number; by: StatsGrouping }): StatsReport;
  /** Looks for attempts holding idle GPUs now (the sweep does this every `idleCheckMs`); returns how many GPUs are idle. */
  detectIdleGpus(): number;
  idleGpus(): IdleGpu[];
  /** Starts a maintenance task (prune, orphans, health, stats) and returns it running; poll `maintenanceTask`. */
  startMaintenance(request: MaintenanceRequest): MaintenanceTask;
  maintenanceTask(id: number): MaintenanceTask;
  /** Newest first. */
  maintenanceTasks(): MaintenanceTask[];
  /** Webhook rules, the delivery log, and the delivery loop (the server starts it). */
  readonly notifications: Notifications;
  /** Chats linked to the chat bot: one-time link codes, redeeming one for a chat-scoped token, unlinking. */
  readonly chat: ChatLinks;
  /** Called by the coordinator's sweep: runs what is due. */
  tick(): void;
}

export interface ChatLinks {
  createCode(): ChatLinkCode;
  /** Spends a code for a chat; returns the chat's new token (its secret, once). */
  redeem(code: string, chatId: string, user: string): string;
  list(): ChatLink[];
  remove(chatId: string): void;
}

export interface OperationsOptions {
  /** A GPU held at or under `idleGpuThresholdPct` utilisation for this long is idle. Default 15. */
  idleGpuMinutes?: number;
  idleGpuThresholdPct?: number;
}

export type { FleetGauges, GpuGauge } from '../telemetry/fleetGauges';
export type { Notifications } from '../notifications/notifier';
