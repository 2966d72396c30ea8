import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessGroupRecords } from '../../../../src/agent/state/processGroups';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-groups-'));
  dirs.push(dir);
  return dir;
}

/** What the next agent on this state dir finds, as [job, attempt, pgid]. */
const nextStart = (dir: string): Array<[number, number, number]> => new ProcessGroupRecords(dir).leftovers().map((r) => [r.job_id, r.attempt, r.pgid]);

describe('ProcessGroupRecords (the journal of running process groups)', () => {
  it('leaves the attempts still running to the next agent, and only those', () => {
    const dir = stateDir();
    const records = new ProcessGroupRecords(dir);
    records.record(1, 1, 101);
    records.record(2, 1, 102);
    records.record(3, 2, 103);
    records.forget(2, 1);
    // No close: an agent killed by SIGKILL does not close anything.
    expect(nextStart(dir)).toEqual([
      [1, 1, 101],
      [3, 2, 103],
    ]);
  });

  it('skips a line torn by a crash mid-write, keeping the lines before it', () => {
    const dir = stateDir();
    const records = new ProcessGroupRecords(dir);
    records.record(1, 1, 101);
    records.close();
    appendFileSync(join(dir, 'groups', 'running.jsonl'), '{"job_id":2,"att');
    expect(nextStart(dir)).toEqual([[1, 1, 101]]);
    // The next agent's lines start on a line of their own, not as the rest of the torn one.
    const next = new ProcessGroupRecords(dir);
    next.record(3, 1, 103);
    next.close();
    expect(nextStart(dir)).toEqual([
      [1, 1, 101],
      [3, 1, 103],
    ]);
  });

  it('forgets a leftover once discarded, so the agent after the next does not handle it again', () => {
    const dir = stateDir();
    const first = new ProcessGroupRecords(dir);
    first.record(1, 1, 101);
    first.close();
    const second = new ProcessGroupRecords(dir);
    const [leftover] = second.leftovers();
    second.discard(leftover);
    second.close();
    expect(nextStart(dir)).toEqual([]);
  });

  it('forgets an attempt that ends after the agent stopped and its state dir was removed without throwing', () => {
    const dir = stateDir();
    const records = new ProcessGroupRecords(dir);
    records.record(1, 1, 101);
    records.close();
    rmSync(dir, { recursive: true, force: true });
    expect(() => records.forget(1, 1)).not.toThrow();
  });

  it('writes nothing for an attempt that never had a process group', () => {
    const dir = stateDir();
    const records = new ProcessGroupRecords(dir);
    records.forget(1, 1);
    expect(existsSync(join(dir, 'groups', 'running.jsonl'))).toBe(false);
  });

  it('stays small over thousands of jobs, keeping what still runs (an earlier run\'s leftovers too)', () => {
    const dir = stateDir();
    const earlier = new ProcessGroupRecords(dir);
    earlier.record(7, 1, 107);
    earlier.close();
    const records = new ProcessGroupRecords(dir);
    records.record(1, 1, 101);
    for (let job = 100; job < 5_100; job++) {
      records.record(job, 1, job);
      records.forget(job, 1);
    }
    records.close();
    expect(statSync(join(dir, 'groups', 'running.jsonl')).size).toBeLessThan(300 * 1024);
    expect(nextStart(dir)).toEqual([
      [7, 1, 107],
      [1, 1, 101],
    ]);
  });
});
