import type { JobCounts } from '../../shared';

/** The tray menu as data, so its wording and enablement are tested without Electron. */
export type TrayAction = 'open' | 'pauseWorker' | 'resumeWorker' | 'quit';
export type TrayItem = { kind: 'label'; label: string } | { kind: 'separator' } | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

export interface TrayState {
  counts: JobCounts | null;
  /** null while the local worker is not running (starting, or failed to start). */
  workerPaused: boolean | null;
}

export function trayTooltip(counts: JobCounts | null): string {
  if (!counts) return 'Gantry';
  return `Gantry — ${counts.running} running, ${counts.queued + counts.waiting} queued, ${counts.failed} failed`;
}

export function trayMenuModel(state: TrayState): TrayItem[] {
  const { counts, workerPaused } = state;
  const items: TrayItem[] = [];
  if (counts) {
    items.push(
      { kind: 'label', label: `Running: ${counts.running}` },
      { kind: 'label', label: `Queued: ${counts.queued + counts.waiting}` },
      { kind: 'label', label: `Failed: ${counts.failed}` },
      { kind: 'separator' },
    );
  }
  items.push({ kind: 'action', action: 'open', label: 'Open Gantry', enabled: true });
  items.push(
    workerPaused
      ? { kind: 'action', action: 'resumeWorker', label: 'Resume local worker', enabled: true }
      : { kind: 'action', action: 'pauseWorker', label: 'Pause local worker', enabled: workerPaused !== null },
  );
  items.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit Gantry', enabled: true });
  return items;
}
