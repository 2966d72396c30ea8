import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { killGroup } from '../../../../src/agent/jobs/jobProcessEvents';

describe('killGroup', () => {
  it("signals a job's whole process group, children included", async () => {
    const leader = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => leader.once('exit', (_code, signal) => resolve(signal)));
    await new Promise((resolve) => leader.once('spawn', resolve));
    killGroup(leader.pid, 'SIGKILL');
    expect(await exited).toBe('SIGKILL');
  }, 60_000);

  it('takes a group that is gone as done, and leaves stack traces as they were', async () => {
    const leader = spawn('true', [], { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => leader.once('exit', resolve));
    const limit = Error.stackTraceLimit;
    expect(() => killGroup(leader.pid, 'SIGKILL')).not.toThrow();
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error('after').stack?.split('\n').length).toBeGreaterThan(1);
  }, 60_000);

  it("takes a gone group as done through node's kill underneath, without process.kill's thrown error", async () => {
    const leader = spawn('true', [], { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => leader.once('exit', resolve));
    const kill = vi.spyOn(process, 'kill');
    try {
      killGroup(leader.pid, 'SIGKILL');
      expect(kill).not.toHaveBeenCalled();
    } finally {
      kill.mockRestore();
    }
  }, 60_000);

  describe('on a node without process._kill (undocumented, so it may go)', () => {
    const processWithKill = process as unknown as { _kill?: unknown };
    let nodeKill: unknown;
    let kill: MockInstance<typeof process.kill>;
    beforeEach(() => {
      nodeKill = processWithKill._kill;
      processWithKill._kill = undefined;
      // Node's own process.kill calls _kill; it gets it back for that call only, as if kill were built without it.
      const documentedKill = process.kill.bind(process);
      kill = vi.spyOn(process, 'kill').mockImplementation((pid, signal) => {
        processWithKill._kill = nodeKill;
        try {
          return documentedKill(pid, signal);
        } finally {
          processWithKill._kill = undefined;
        }
      });
    });
    afterEach(() => {
      kill.mockRestore();
      processWithKill._kill = nodeKill;
    });

    it('still signals a whole group, through process.kill', async () => {
      const leader = spawn('sh', ['-c', 'sleep 60 & wait'], { detached: true, stdio: 'ignore' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => leader.once('exit', (_code, signal) => resolve(signal)));
      await new Promise((resolve) => leader.once('spawn', resolve));
      killGroup(leader.pid, 'SIGKILL');
      expect(kill).toHaveBeenCalledWith(-(leader.pid as number), 'SIGKILL');
      expect(await exited).toBe('SIGKILL');
    }, 60_000);

    it('still takes a gone group as done', async () => {
      const leader = spawn('true', [], { detached: true, stdio: 'ignore' });
      await new Promise((resolve) => leader.once('exit', resolve));
      expect(() => killGroup(leader.pid, 'SIGKILL')).not.toThrow();
      expect(kill).toHaveBeenCalledTimes(1);
    }, 60_000);
  });

  it('throws any other failure on, with its stack', () => {
    let thrown: unknown;
    try {
      // No such signal, and no such group (above Linux's largest pid) should the check ever let it through.
      killGroup(2 ** 30, 'SIGNOPE' as NodeJS.Signals);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).stack?.split('\n').length).toBeGreaterThan(1);
  });
});
