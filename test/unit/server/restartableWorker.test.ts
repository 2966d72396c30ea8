import { describe, expect, it } from 'vitest';
import { RestartableWorker, type AgentHandle } from '../../../src/server';

function fakeAgent(workerId: string): AgentHandle & { exit(): void } {
  let exit = () => undefined as void;
  const stopped = new Promise<void>((resolve) => (exit = resolve));
  return { workerId, stopped, exit, stop: async () => exit() };
}

describe('RestartableWorker', () => {
  it('runs after start, remembers its worker id after the agent stops on its own, and starts again', async () => {
    const agents = [fakeAgent('w1'), fakeAgent('w1')];
    let launches = 0;
    const worker = new RestartableWorker(async () => agents[launches++]);
    expect(worker.running()).toBe(false);
    expect(worker.workerId()).toBeNull();

    await worker.start();
    expect(worker.running()).toBe(true);
    expect(worker.workerId()).toBe('w1');

    agents[0].exit();
    await agents[0].stopped;
    await Promise.resolve();
    expect(worker.running()).toBe(false);
    expect(worker.workerId()).toBe('w1');

    await worker.start();
    expect(launches).toBe(2);
    expect(worker.running()).toBe(true);
  });

  it('launches once for concurrent starts, and not at all while running', async () => {
    let launches = 0;
    const worker = new RestartableWorker(async () => {
      launches += 1;
      return fakeAgent('w2');
    });
    await Promise.all([worker.start(), worker.start()]);
    await worker.start();
    expect(launches).toBe(1);
  });

  it('can be started again after a failed launch', async () => {
    let fail = true;
    const worker = new RestartableWorker(async () => {
      if (fail) throw new Error('no server yet');
      return fakeAgent('w3');
    });
    await expect(worker.start()).rejects.toThrow('no server yet');
    fail = false;
    await worker.start();
    expect(worker.running()).toBe(true);
  });
});
