import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../../src/agent/spool/backoff';
import { Deliverer } from '../../../../src/agent/spool/deliverer';
import type { OutboxItem } from '../../../../src/agent/spool/outboxItem';
import { Spool } from '../../../../src/agent/spool/spool';
import { ApiError } from '../../../../src/shared';
import { judgeDeliveryFailure } from '../../../../src/agent/deliverToCoordinator';

const log = (job_id: number, seq: number): OutboxItem => ({ kind: 'log', job_id, attempt: 1, seq, stream: 'stdout', data_b64: Buffer.from(`line ${seq}\n`).toString('base64') });
const finish = (job_id: number): OutboxItem => ({ kind: 'finish', job_id, attempt: 1, outcome: 'succeeded', exit_code: 0, error: null });
const fast = { baseMs: 2, capMs: 20 };
/** What the next agent on this state dir would find unsent. */
const unsentIn = (dir: string): OutboxItem[] => Spool.open(dir).takeLeftovers().map((s) => s.item);

describe('Spool and Deliverer', () => {
  it('delivers, after a restart, what an earlier run could not send, in order per attempt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    const written = [log(1, 0), log(2, 0), log(1, 1), log(2, 1), finish(1), finish(2)];

    const down = new Deliverer({ spool: Spool.open(dir), send: () => Promise.reject(new Error('ECONNREFUSED')), backoff: fast });
    written.forEach((item) => down.push(item));
    down.close();
    expect(unsentIn(dir)).toEqual(written);

    const delivered: OutboxItem[] = [];
    let calls = 0;
    const back = new Deliverer({
      spool: Spool.open(dir),
      send: async (item) => {
        // The coordinator comes back after a few refused attempts.
        if (++calls <= 5) throw new ApiError('internal', 'starting up', 503);
        delivered.push(item);
      },
      judgeFailure: judgeDeliveryFailure,
      backoff: fast,
    });
    expect(back.pending).toBe(written.length);
    expect(await back.drain(20_000)).toBe(true);
    expect(delivered.filter((i) => i.job_id === 1)).toEqual(written.filter((i) => i.job_id === 1));
    expect(delivered.filter((i) => i.job_id === 2)).toEqual(written.filter((i) => i.job_id === 2));
    expect(unsentIn(dir)).toEqual([]);
  });

  it('keeps numbering after the leftovers so new items sort after old ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    Spool.open(dir).write(log(1, 0));
    const reopened = Spool.open(dir);
    const next = reopened.write(log(1, 1));
    expect(reopened.takeLeftovers().map((s) => s.order)).toEqual([0]);
    expect(next.order).toBe(1);
  });

  it('drops a stale finish the coordinator refuses with 409 and goes on with the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    const delivered: OutboxItem[] = [];
    const deliverer = new Deliverer({
      spool: Spool.open(dir),
      send: async (item) => {
        if (item.kind === 'finish' && item.job_id === 1) throw new ApiError('conflict', 'stale attempt', 409);
        delivered.push(item);
      },
      judgeFailure: judgeDeliveryFailure,
      backoff: fast,
    });
    [log(1, 0), finish(1), finish(2)].forEach((item) => deliverer.push(item));
    expect(await deliverer.drain(20_000)).toBe(true);
    expect(delivered).toEqual([log(1, 0), finish(2)]);
    expect(unsentIn(dir)).toEqual([]);
  });

  it('holds no job back while the coordinator is unreachable, and does again once it accepts items', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    let up = false;
    let failedOnce!: () => void;
    const failed = new Promise<void>((resolve) => (failedOnce = resolve));
    let acceptedOnce!: () => void;
    const accepted = new Promise<void>((resolve) => (acceptedOnce = resolve));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const deliverer = new Deliverer({
      spool: Spool.open(dir),
      backoff: fast,
      maxBacklogBytes: 64,
      send: async (item) => {
        if (!up) {
          failedOnce();
          throw new Error('connect ECONNREFUSED');
        }
        // Back up: the first item is accepted at once, the rest wait at the gate.
        if (item.kind === 'log' && item.seq === 0) return acceptedOnce();
        await gate;
      },
    });
    let relieved = 0;
    for (let seq = 0; seq < 20; seq++) deliverer.push(log(1, seq));
    await failed;
    // A coordinator that is down (a laptop closed for the night) must not stall running jobs.
    expect(deliverer.backlogBytes).toBeGreaterThan(64);
    expect(deliverer.congested).toBe(false);
    deliverer.onceRelieved(() => relieved++);
    expect(relieved).toBe(1);

    up = true;
    deliverer.nudge();
    await accepted;
    // Sends succeed again and the backlog is over the bound: output is held back until it drains.
    await new Promise((resolve) => setImmediate(resolve));
    expect(deliverer.congested).toBe(true);
    deliverer.onceRelieved(() => relieved++);
    expect(relieved).toBe(1);
    openGate();
    expect(await deliverer.drain(20_000)).toBe(true);
    expect(relieved).toBe(2);
    expect(deliverer.congested).toBe(false);
    deliverer.close();
  });

  it("holds back only the attempts that hold their share of the bound, so one job's flood does not stop another's few lines", async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    // Each log item ("line N\n", 12 bytes in base64) weighs 12; the bound is 64.
    const deliverer = new Deliverer({ spool: Spool.open(mkdtempSync(join(tmpdir(), 'gantry-spool-'))), send: () => gate, maxBacklogBytes: 64 });
    for (let seq = 0; seq < 10; seq++) deliverer.push(log(1, seq));
    expect(deliverer.congested).toBe(true);
    expect(deliverer.congestedFor(1, 1)).toBe(true);
    // Job 2 has nothing waiting: it is read on, and so is job 1's output once job 2 no longer is.
    expect(deliverer.congestedFor(2, 1)).toBe(false);
    deliverer.push(log(2, 0));
    // Two attempts with items waiting: a share is half the bound (32), job 2 holds 12 bytes.
    expect(deliverer.congestedFor(2, 1)).toBe(false);
    deliverer.push(log(2, 1));
    deliverer.push(log(2, 2));
    expect(deliverer.congestedFor(2, 1)).toBe(true);
    expect(deliverer.congestedFor(1, 1)).toBe(true);
    openGate();
    expect(await deliverer.drain(20_000)).toBe(true);
    expect(deliverer.congestedFor(1, 1)).toBe(false);
    expect(deliverer.congestedFor(2, 1)).toBe(false);
    deliverer.close();
  });

  it('ignores half-written and foreign files in the spool folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    writeFileSync(join(dir, '000000000000-j1-a1-log.json.tmp'), '{"kind":');
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    writeFileSync(join(dir, '000000000003-j1-a1-log.json'), '{"kind":');
    expect(Spool.open(dir).takeLeftovers()).toEqual([]);
  });

  it('delivers, after an upgrade, the items an agent before the journal left one file each, before newer ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    writeFileSync(join(dir, '000000000004-j1-a1-log.json'), JSON.stringify(log(1, 0)));
    const spool = Spool.open(dir);
    expect(spool.takeLeftovers().map((s) => [s.order, s.item])).toEqual([[4, log(1, 0)]]);
    expect(spool.write(finish(1)).order).toBe(5);
    spool.close();
    expect(unsentIn(dir)).toEqual([log(1, 0), finish(1)]);
  });

  it('skips a journal line torn by a crash mid-write, keeping the items before it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    const spool = Spool.open(dir);
    spool.write(log(1, 0));
    spool.close();
    appendFileSync(join(dir, 'spool.jsonl'), '{"order":1,"item":{"kind":"fin');
    expect(unsentIn(dir)).toEqual([log(1, 0)]);
    // Numbering goes on after the items read, and the torn line never comes back.
    const reopened = Spool.open(dir);
    reopened.takeLeftovers();
    reopened.write(finish(1));
    reopened.close();
    expect(unsentIn(dir)).toEqual([log(1, 0), finish(1)]);
  });

  it('takes an item sent after the agent stopped and its state dir was removed without throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    const spool = Spool.open(dir);
    const spooled = spool.write(finish(1));
    spool.close();
    rmSync(dir, { recursive: true, force: true });
    expect(() => spool.remove(spooled)).not.toThrow();
  });

  it('stays small over thousands of jobs, keeping the unsent items', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-spool-'));
    const spool = Spool.open(dir);
    const kept = spool.write(log(1, 0));
    for (let job = 2; job < 12_000; job++) spool.remove(spool.write(finish(job)));
    spool.close();
    expect(readFileSync(join(dir, 'spool.jsonl')).length).toBeLessThan(1.1 * 1024 * 1024);
    expect(unsentIn(dir)).toEqual([kept.item]);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially and stops at the cap', () => {
    const top = (failures: number): number => backoffDelay(failures, { baseMs: 500, capMs: 30_000, random: () => 1 });
    expect([1, 2, 3, 4].map(top)).toEqual([500, 1000, 2000, 4000]);
    expect(top(50)).toBe(30_000);
  });
});
