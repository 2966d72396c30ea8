import { describe, expect, it } from 'vitest';
import { createShutdown } from '../../../src/main/lifecycle/shutdown';

describe('shutdown', () => {
  it('runs the steps in order and closes SQLite even when an earlier step fails', async () => {
    const ran: string[] = [];
    const shutdown = createShutdown([
      { name: 'worker', run: async () => { ran.push('worker'); throw new Error('agent gone'); } },
      { name: 'server', run: () => { ran.push('server'); } },
      { name: 'sqlite', run: () => { ran.push('sqlite'); } },
    ], { stepTimeoutMs: 1000 });
    const failures = await shutdown();
    expect(ran).toEqual(['worker', 'server', 'sqlite']);
    expect(failures).toEqual([{ step: 'worker', error: new Error('agent gone') }]);
  });

  it('moves past a step that hangs after its timeout', async () => {
    const ran: string[] = [];
    const shutdown = createShutdown([
      { name: 'worker', run: () => new Promise<void>(() => undefined) },
      { name: 'sqlite', run: () => { ran.push('sqlite'); } },
    ], { stepTimeoutMs: 20 });
    const failures = await shutdown();
    expect(ran).toEqual(['sqlite']);
    expect(String(failures[0].error)).toMatch(/worker did not finish within 20 ms/);
  });

  it('runs once however often it is called', async () => {
    let runs = 0;
    const shutdown = createShutdown([{ name: 'x', run: () => { runs++; } }], { stepTimeoutMs: 100 });
    await Promise.all([shutdown(), shutdown()]);
    await shutdown();
    expect(runs).toBe(1);
  });
});
