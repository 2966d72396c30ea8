import { describe, expect, it } from 'vitest';
import { trayMenuModel, trayTooltip } from '../../../src/main/tray/trayMenuModel';

const counts = { total: 10, unrunnable: 0, waiting: 1, queued: 2, running: 3, succeeded: 2, failed: 1, cancelled: 1, blocked: 0 };

describe('tray menu', () => {
  it('shows running, queued (waiting included) and failed counts', () => {
    expect(trayTooltip(counts)).toBe('Gantry — 3 running, 3 queued, 1 failed');
    const labels = trayMenuModel({ counts, workerPaused: false }).flatMap((i) => (i.kind === 'separator' ? [] : [i.label]));
    expect(labels).toEqual(['Running: 3', 'Queued: 3', 'Failed: 1', 'Open Gantry', 'Pause local worker', 'Quit Gantry']);
  });

  it('offers resume when the local worker is paused', () => {
    expect(trayMenuModel({ counts, workerPaused: true })).toContainEqual({ kind: 'action', action: 'resumeWorker', label: 'Resume local worker', enabled: true });
  });

  it('disables pausing while the local worker is not running', () => {
    expect(trayMenuModel({ counts: null, workerPaused: null })).toContainEqual({ kind: 'action', action: 'pauseWorker', label: 'Pause local worker', enabled: false });
  });
});
