import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadsItsSession, parseAutogroupNice, raiseSessionNice, type AutogroupFiles } from '../../../../src/agent/jobs/spawnHelper/sessionPriority';

/** Stand-ins for /proc/self/autogroup, the autogroup switch and /proc/self/stat, in a fresh folder. */
function standIns(autogroup: string | null, { enabled = '1\n', stat = '4242 (node) S 1 4242 4242 0 -1 4194560' }: { enabled?: string | null; stat?: string } = {}): AutogroupFiles {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-autogroup-'));
  const files = { autogroup: join(dir, 'autogroup'), enabled: join(dir, 'sched_autogroup_enabled'), stat: join(dir, 'stat') };
  if (autogroup !== null) writeFileSync(files.autogroup, autogroup);
  if (enabled !== null) writeFileSync(files.enabled, enabled);
  writeFileSync(files.stat, stat);
  return files;
}

const written = (files: AutogroupFiles): string => readFileSync(files.autogroup, 'utf8');

describe('parseAutogroupNice', () => {
  it("reads the nice value of the kernel's autogroup line, negative too", () => {
    expect(parseAutogroupNice('/autogroup-1557701 nice 0\n')).toBe(0);
    expect(parseAutogroupNice('/autogroup-7 nice 10\n')).toBe(10);
    expect(parseAutogroupNice('/autogroup-7 nice -5\n')).toBe(-5);
  });

  it('takes nothing else for a nice value', () => {
    for (const bad of ['', 'nice 0', '/autogroup-7 nice ten', '/autogroup-x nice 0', '/autogroup-7 nice 0 extra']) expect(parseAutogroupNice(bad)).toBeUndefined();
  });
});

describe('leadsItsSession', () => {
  it('is true when the session id (the 4th field after the name) is the pid', () => {
    expect(leadsItsSession('4242 (node) S 1 4242 4242 0 -1')).toBe(true);
    expect(leadsItsSession('4242 (node) S 1 4242 17 0 -1')).toBe(false);
  });

  it('finds the fields past a command name holding spaces and parentheses', () => {
    expect(leadsItsSession('900 (my (odd) agent) S 1 900 900 0')).toBe(true);
    expect(leadsItsSession('900 (my (odd) agent) S 1 900 901 0')).toBe(false);
  });

  it('is false for a line it cannot read', () => {
    expect(leadsItsSession('')).toBe(false);
  });
});

describe('raiseSessionNice', () => {
  it('raises the autogroup nice by the steps, from where it is', async () => {
    const files = standIns('/autogroup-12 nice 0\n');
    expect(await raiseSessionNice(10, { files })).toEqual({ applied: true, from: 0, nice: 10 });
    expect(written(files)).toBe('10');

    const already = standIns('/autogroup-12 nice 3\n');
    expect(await raiseSessionNice(4, { files: already })).toEqual({ applied: true, from: 3, nice: 7 });
    expect(written(already)).toBe('7');
  });

  it('stops at 19, and writes nothing when the session is there already', async () => {
    const files = standIns('/autogroup-12 nice 15\n');
    expect(await raiseSessionNice(10, { files })).toEqual({ applied: true, from: 15, nice: 19 });
    expect(written(files)).toBe('19');

    const lowest = standIns('/autogroup-12 nice 19\n');
    const writes: string[] = [];
    expect(await raiseSessionNice(5, { files: lowest, write: (_path, value) => writes.push(value) })).toEqual({ applied: true, from: 19, nice: 19 });
    expect(writes).toEqual([]);
  });

  it('leaves alone a session the process does not lead: the processes it shares it with would yield too', async () => {
    const files = standIns('/autogroup-12 nice 0\n', { stat: '4242 (node) S 100 100 100 0 -1' });
    const outcome = await raiseSessionNice(10, { files });
    expect(outcome).toEqual({ applied: false, reason: expect.stringMatching(/shares its session/) });
    expect(written(files)).toBe('/autogroup-12 nice 0\n');
  });

  it("names the shared session, not the empty autogroup file, for a process in the boot session (the kernel's default autogroup, as in a CI runner)", async () => {
    // /proc/PID/autogroup reads empty for a process in the default autogroup: one that never left the boot session.
    const files = standIns('', { stat: '4242 (node) S 100 0 0 0 -1' });
    const outcome = await raiseSessionNice(10, { files });
    expect(outcome).toEqual({ applied: false, reason: expect.stringMatching(/shares its session/) });
    expect(written(files)).toBe('');
  });

  it('says a session leader in the default autogroup has none of its own to raise', async () => {
    expect(await raiseSessionNice(10, { files: standIns('') })).toEqual({ applied: false, reason: expect.stringMatching(/default autogroup/) });
  });

  it('leaves the session alone where autogroup is off, and goes ahead where the switch cannot be read', async () => {
    const off = standIns('/autogroup-12 nice 0\n', { enabled: '0\n' });
    expect(await raiseSessionNice(10, { files: off })).toEqual({ applied: false, reason: expect.stringMatching(/autogroup is off/) });
    expect(written(off)).toBe('/autogroup-12 nice 0\n');

    const unknown = standIns('/autogroup-12 nice 0\n', { enabled: null });
    expect(await raiseSessionNice(10, { files: unknown })).toEqual({ applied: true, from: 0, nice: 10 });
  });

  it('says there is no autogroup where the file is missing or says something else', async () => {
    expect(await raiseSessionNice(10, { files: standIns(null) })).toEqual({ applied: false, reason: expect.stringMatching(/^no autogroup to raise/) });
    expect(await raiseSessionNice(10, { files: standIns('garbage\n') })).toEqual({ applied: false, reason: expect.stringMatching(/not an autogroup's nice/) });
  });

  it('carries on when the file cannot be written (a read-only /proc), saying why', async () => {
    const files = standIns('/autogroup-12 nice 0\n');
    const refuse = (): never => {
      throw Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    };
    expect(await raiseSessionNice(10, { files, write: refuse })).toEqual({ applied: false, reason: expect.stringMatching(/could not be written: EROFS/) });
  });

  it('tries again while the kernel answers EAGAIN (one unprivileged write per 100 ms, host-wide), then writes', async () => {
    const files = standIns('/autogroup-12 nice 0\n');
    const tries: string[] = [];
    const waits: number[] = [];
    const busyTwice = (path: string, value: string): void => {
      tries.push(value);
      if (tries.length <= 2) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
      writeFileSync(path, value);
    };
    const outcome = await raiseSessionNice(10, { files, write: busyTwice, sleep: async (ms) => void waits.push(ms) });
    expect(outcome).toEqual({ applied: true, from: 0, nice: 10 });
    expect(tries).toEqual(['10', '10', '10']);
    expect(waits).toHaveLength(2);
    expect(waits.every((ms) => ms >= 100)).toBe(true);
    expect(written(files)).toBe('10');
  });

  it('gives up after a bounded number of EAGAINs rather than waiting for ever', async () => {
    const files = standIns('/autogroup-12 nice 0\n');
    let tries = 0;
    const alwaysBusy = (): never => {
      tries++;
      throw Object.assign(new Error('EAGAIN: resource temporarily unavailable'), { code: 'EAGAIN' });
    };
    const outcome = await raiseSessionNice(10, { files, write: alwaysBusy, sleep: async () => undefined });
    expect(outcome).toEqual({ applied: false, reason: expect.stringMatching(/EAGAIN/) });
    expect(tries).toBeGreaterThan(1);
    expect(tries).toBeLessThan(100);
  });
});
