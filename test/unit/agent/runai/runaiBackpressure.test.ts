import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobExit } from '../../../../src/agent';
import { runaiSpawnJob } from '../../../../src/agent/runai/runaiJobProcess';
import type { Job } from '../../../../src/shared';
import { settledLength } from '../../../support/settledLength';
import { waitFor } from '../../../support/waitFor';

const RUNAI = fileURLToPath(new URL('../../../fixtures/runai/runai', import.meta.url));

const job = (id: number, command: string[]): Job =>
  ({ id, name: `job-${id}`, project: 'default', command, params: {}, cwd: null, cwd_machine: null, env: {}, secret_env: [], requirements: { cpus: 1, memory_mb: 0, gpus: 0, gpu_memory_mb: 0, tags: [] }, timeout_s: null, max_attempts: 1, priority: 0, attempt: 1 }) as unknown as Job;

/** What the stand-in's `stream N` workload logs. */
const streamed = (count: number): string => Array.from({ length: count }, (_, i) => `line ${i + 1}\n`).join('');

/** How many times the stand-in was asked for its workloads: the second list reports a `stream` workload Succeeded. */
const lists = (state: string): number =>
  readFileSync(join(state, 'calls.jsonl'), 'utf8').split('\n').filter((line) => line.startsWith('["list"')).length;

/** A fresh state dir for the Run:ai stand-in per test (removed after it), and the stand-in's env pointing at it. */
function useStandInState(prefix: string): { readonly dir: string } {
  const standIn = { dir: '' };
  beforeEach(() => {
    standIn.dir = mkdtempSync(join(tmpdir(), prefix));
    vi.stubEnv('RUNAI_STANDIN_STATE', standIn.dir);
    vi.stubEnv('RUNAI_STANDIN_PROJECT', 'research');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(standIn.dir, { recursive: true, force: true });
  });
  return standIn;
}

describe('backpressure on a cluster workload (Run:ai stand-in; Kubernetes shares WorkloadAttempt)', () => {
  const standIn = useStandInState('gantry-runai-flow-');

  it('stops reading the log follower while paused, past the workload end and the drain wait, and delivers every byte after resume', async () => {
    // Well over a pipe's 64 KB, so a follower nobody reads blocks long before its end.
    const count = 100_000;
    // A drain wait far shorter than the pause: a held-back follower must not be cut as stuck.
    const spawnJob = runaiSpawnJob({ project: 'research', runai: RUNAI, image: 'python:3.12', pollMs: 50, logDrainMs: 100 });
    const child = spawnJob({ argv: [], cwd: tmpdir(), env: {}, job: job(7, ['stream', String(count)]), attempt: 1 });
    let output = '';
    let exited = false;
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    const done = new Promise<JobExit>((resolve) => child.onExit((exit) => { exited = true; resolve(exit); }));
    await waitFor(() => output.length > 0, 'the first log output');
    child.pause?.();
    await waitFor(() => lists(standIn.dir) >= 2, 'the workload to be listed Succeeded');
    const held = await settledLength(() => output.length);
    expect(held).toBeLessThan(streamed(count).length);
    expect(exited).toBe(false);
    child.resume?.();
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output).toBe(streamed(count));
  });

  it('ends a paused attempt that is killed, deleting its workload', async () => {
    // `forever`: the workload runs until deleted, so only the kill can end it.
    const spawnJob = runaiSpawnJob({ project: 'research', runai: RUNAI, image: 'python:3.12', pollMs: 50, logDrainMs: 100 });
    const child = spawnJob({ argv: [], cwd: tmpdir(), env: {}, job: job(8, ['stream', '100000', 'forever']), attempt: 1 });
    let output = '';
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    const done = new Promise<JobExit>((resolve) => child.onExit(resolve));
    await waitFor(() => output.length > 0, 'the first log output');
    child.pause?.();
    child.kill('SIGTERM');
    expect(await done).toEqual({ code: null, signal: 'SIGTERM' });
    expect(existsSync(join(standIn.dir, 'deleted-gantry-8-1'))).toBe(true);
  });
});

describe('a cluster workload whose log follower writes to stderr (Run:ai stand-in; Kubernetes shares WorkloadAttempt)', () => {
  useStandInState('gantry-runai-noisy-');

  it('reads the follower past its stderr warnings (over 64 KB), so the whole log arrives before the exit', async () => {
    // A long drain wait: before the fix the follower blocked on its full stderr pipe and was cut after it, its stdout unread.
    const spawnJob = runaiSpawnJob({ project: 'research', runai: RUNAI, image: 'python:3.12', pollMs: 50, logDrainMs: 5_000 });
    const child = spawnJob({ argv: [], cwd: tmpdir(), env: {}, job: job(9, ['stream', '1000', 'noisy']), attempt: 1 });
    let output = '';
    child.onData((_stream, bytes) => { output += bytes.toString(); });
    const done = new Promise<JobExit>((resolve) => child.onExit(resolve));
    expect(await done).toEqual({ code: 0, signal: null });
    expect(output).toBe(streamed(1000));
  });
});
