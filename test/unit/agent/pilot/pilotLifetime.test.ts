import { describe, expect, it } from 'vitest';
import { pilotVerdict, type PilotLifetime } from '../../../../src/agent/pilot/pilotLifetime';

describe('when a pilot leaves on its own', () => {
  const idle: PilotLifetime = { idleExitMs: 1000, windDownMs: 0, handBackMs: 0 };
  const wall: PilotLifetime = { wallEndMs: 10_000, windDownMs: 3000, handBackMs: 1000 };

  it('stays while a job runs, however long since it started', () => {
    expect(pilotVerdict(idle, 50_000, 0, 1)).toEqual({ winding: false, leave: null });
  });

  it('leaves once nothing has run for the idle timeout, not before', () => {
    expect(pilotVerdict(idle, 5900, 5000, 0).leave).toBeNull();
    expect(pilotVerdict(idle, 6000, 5000, 0).leave).toBe('idle');
  });

  it('never leaves idle without an idle timeout', () => {
    expect(pilotVerdict({ windDownMs: 0, handBackMs: 0 }, 1e12, 0, 0).leave).toBeNull();
  });

  it('stops claiming at wind-down, then hands back near the end of its wall time', () => {
    expect(pilotVerdict(wall, 6999, 0, 1)).toEqual({ winding: false, leave: null });
    expect(pilotVerdict(wall, 7000, 0, 1)).toEqual({ winding: true, leave: null });
    expect(pilotVerdict(wall, 9000, 0, 1)).toEqual({ winding: true, leave: 'wall_time' });
  });
});
