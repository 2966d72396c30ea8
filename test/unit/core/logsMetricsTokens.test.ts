import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeJob, openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

describe('logs', () => {
  it('stores chunks in sequence byte for byte, ignores repeats and refuses gaps', () => {
    const job = makeJob(h.c, 'running');
    const bytes = [Buffer.from('\x1b[31mred\x1b[0m\n'), Buffer.from('10%\r50%\r100%\n'), Buffer.from([0xff, 0xfe, 0x00])];
    expect(h.c.appendLog(job.id, 1, 0, bytes[0])).toEqual({ accepted: true, next_seq: 1 });
    expect(h.c.appendLog(job.id, 1, 0, bytes[0])).toEqual({ accepted: false, next_seq: 1 });
    expect(() => h.c.appendLog(job.id, 1, 5, bytes[1])).toThrow(/arrived before chunk 1/);
    h.c.appendLog(job.id, 1, 1, bytes[1]);
    h.c.appendLog(job.id, 1, 2, bytes[2]);
    const whole = Buffer.concat(bytes);
    expect(h.c.readLog(job.id, 1).data.equals(whole)).toBe(true);
    expect(readFileSync(h.c.logPath(job.id, 1)).equals(whole)).toBe(true);
    const tail = h.c.readLog(job.id, 1, 5, 4);
    expect(tail).toMatchObject({ next_offset: 9, size: whole.length, complete: false });
    expect(tail.data.equals(whole.subarray(5, 9))).toBe(true);
  });

  it('overwrites rather than duplicates a chunk re-sent after a crash between file and database', () => {
    const job = makeJob(h.c, 'running');
    h.c.appendLog(job.id, 1, 0, Buffer.from('abc'));
    // Simulate a write that reached the file but whose database update was lost.
    appendFileSync(h.c.logPath(job.id, 1), 'def');
    h.c.appendLog(job.id, 1, 1, Buffer.from('DEF'));
    expect(h.c.readLog(job.id, 1).data.toString()).toBe('abcDEF');
  });

  it('says a log is complete once the attempt finished', () => {
    const job = makeJob(h.c, 'running');
    h.c.finish(job.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.readLog(job.id, 1).complete).toBe(true);
  });

  it('refuses logs of an unknown attempt', () => {
    expect(() => h.c.appendLog(makeJob(h.c, 'queued').id, 1, 0, Buffer.from('x'))).toThrow(/has no attempt 1/);
  });
});

describe('metrics', () => {
  it('records and lists points per step', () => {
    const job = makeJob(h.c, 'running');
    expect(h.c.recordMetrics(job.id, 1, [{ step: 1, name: 'loss', value: 0.5 }, { step: 2, name: 'loss', value: 0.25 }])).toBe(2);
    expect(h.c.listMetrics(job.id).map((m) => [m.step, m.value])).toEqual([[1, 0.5], [2, 0.25]]);
    expect(() => h.c.recordMetrics(job.id, 1, [{ step: 1, name: '', value: 1 }])).toThrow(/points.0.name/);
  });
});

describe('GPU telemetry', () => {
  it('keeps raw samples for a window and minute averages beyond it', () => {
    const job = makeJob(h.c, 'running');
    const worker = job.worker_id as string;
    for (let i = 0; i < 40; i++) {
      h.c.recordGpuSamples(worker, [{ index: 0, uuid: null, model: 'H100', utilization_pct: i % 2 ? 100 : 0, memory_used_mb: 1000, memory_total_mb: 81559, temperature_c: 50, power_w: null, power_limit_w: null }]);
      h.clock.advance(60_000);
    }
    const history = h.c.gpuHistory(worker);
    expect(history.length).toBeLessThan(40 + 40);
    expect(history.length).toBeGreaterThan(20);
    expect(history.every((p, i) => i === 0 || p.at >= history[i - 1].at)).toBe(true);
  });
});

describe('tokens', () => {
  it('stores only a hash, verifies the secret, and stops verifying once revoked', () => {
    const { token, record } = h.c.createToken({ name: 'ci', scope: 'read' });
    expect(h.c.verifyToken(token)?.id).toBe(record.id);
    expect(h.c.verifyToken(`${token}x`)).toBeNull();
    const db = readFileSync(`${h.dataDir}/gantry.db`);
    expect(db.includes(Buffer.from(token))).toBe(false);
    h.c.revokeToken(record.id);
    expect(h.c.verifyToken(token)).toBeNull();
    expect(statSync(`${h.dataDir}/gantry.db`).size).toBeGreaterThan(0);
  });

  it('needs a job for a job token', () => {
    expect(() => h.c.createToken({ name: 'j', scope: 'job' })).toThrow(/job_id/);
    expect(() => h.c.createToken({ name: 'j', scope: 'job', job_id: 999 })).toThrow(/job 999 does not exist/);
  });
});

describe('event log retention', () => {
  it('drops events older than the retention at the sweep and keeps the recent ones', () => {
    h.reopen({ eventRetentionMs: 60_000 });
    h.c.submit({ command: ['old'] });
    h.clock.advance(120_000);
    const recent = h.c.submit({ command: ['new'] });
    h.c.sweep();
    expect(h.c.eventsSince(0).map((e) => e.job_id)).toEqual([recent.id]);
  });
});
