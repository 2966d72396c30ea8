import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
let sweepId: number;
let first: number;
beforeAll(async () => {
  t = await startTestCoordinator();
  const out = stdoutText(await t.gantry(['sweep', 'train --lr {lr}', '--name', 'train', '--param', 'lr=0.1,0.01']));
  const match = /queued 2 jobs: (\d+)-\d+ \(sweep (\d+)\)/.exec(out);
  if (!match) throw new Error(`unexpected sweep output: ${out}`);
  first = Number(match[1]);
  sweepId = Number(match[2]);
  t.coordinator.recordMetrics(first, 1, [{ step: 0, epoch: 0, name: 'loss', value: 2, at: 1_000 }, { step: 1, epoch: 0, name: 'loss', value: 1, at: 2_000 }]);
  t.coordinator.recordMetrics(first + 1, 1, [{ step: 0, epoch: 0, name: 'loss', value: 0.5, at: 1_000 }]);
});
afterAll(async () => {
  await t?.close();
});

describe('gantry metrics', () => {
  it('compares a sweep by final value, best first', async () => {
    const result = await t.gantry(['metrics', '--sweep', String(sweepId)]);
    expect(result.code).toBe(0);
    const lines = stdoutText(result).trim().split('\n');
    expect(lines[0]).toBe(`sweep ${sweepId} (train), loss; also: none`);
    expect(lines.slice(2).map((line) => line.trim().split(/\s+/))).toEqual([
      [String(first + 1), '0.01', 'queued', '0', '0.5'],
      [String(first), '0.1', 'queued', '1', '1'],
    ]);
  });

  it('prints every point of a sweep as CSV', async () => {
    const result = await t.gantry(['metrics', '--sweep', String(sweepId), '--csv']);
    expect(stdoutText(result).split('\r\n')).toEqual(['job_id,job,lr,attempt,step,loss', `${first},train lr=0.1,0.1,1,0,2`, `${first},train lr=0.1,0.1,1,1,1`, `${first + 1},train lr=0.01,0.01,1,0,0.5`, '']);
  });

  it("aggregates a job's epochs and prints its CSV", async () => {
    expect(stdoutText(await t.gantry(['metrics', '--epoch', String(first)])).split('\n')[1].trim().split(/\s+/)).toEqual(['loss', '0', '2', '1.5', '1', '2', '1']);
    expect(stdoutText(await t.gantry(['metrics', '--csv', '--last', String(first)]))).toBe('name,attempt,step,epoch,value,at\r\nloss,1,1,0,1,2000\r\n');
  });

  it('refuses a job id together with --sweep', async () => {
    const result = await t.gantry(['metrics', '--sweep', String(sweepId), String(first)]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/give a job id or --sweep ID/);
  });
});
