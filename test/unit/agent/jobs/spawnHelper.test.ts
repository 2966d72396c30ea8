import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../support/waitFor';
import type { JobExit, JobProcess } from '../../../../src/agent/jobs/jobProcess';
import { startSpawnHelper, type SpawnHelper, type SpawnHelperOptions } from '../../../../src/agent/jobs/spawnHelper/startSpawnHelper';
import { SPAWN_HELPER_ARG } from '../../../../src/agent/jobs/spawnHelper/spawnHelperProtocol';

const MAIN = join(__dirname, '../../../../src/agent/main.ts');
const helpers: SpawnHelper[] = [];

/** The helper as the agent starts it from its sources: the agent's entry again, with the helper's argument. */
function helperFromSources(options: SpawnHelperOptions = {}): SpawnHelper {
  const helper = startSpawnHelper({ nodeArgs: ['--import', 'tsx', MAIN, SPAWN_HELPER_ARG], ...options });
  helpers.push(helper);
  return helper;
}

function collect(job: JobProcess): { output: () => string; exit: Promise<JobExit>; pid: Promise<number> } {
  let output = '';
  job.onData((stream, bytes) => (output += `${stream}:${bytes.toString()}`));
  return {
    output: () => output,
    exit: new Promise((resolve) => job.onExit(resolve)),
    pid: new Promise((resolve) => job.onSpawn?.(resolve)),
  };
}

/** A process's nice value, from /proc/PID/stat (the field after the command's name, which may hold spaces). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}

const spec = (argv: string[]) => ({ argv, cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' } });

afterEach(() => {
  for (const helper of helpers.splice(0)) helper.close();
});

describe('startSpawnHelper', () => {
  it('starts a job from the helper process and relays its output, pid and exit code', async () => {
    const helper = helperFromSources();
    const job = collect(helper.spawnJob(spec(['sh', '-c', 'echo out; echo err >&2; echo "parent=$PPID"; exit 3'])));
    const exit = await job.exit;
    expect(exit).toEqual({ code: 3, signal: null });
    expect(job.output()).toContain('stdout:out');
    expect(job.output()).toContain('stderr:err');
    // The job's parent is the helper, not this process: the fork happened there.
    expect(job.output()).toContain(`parent=${helper.pid}`);
    expect(await job.pid).toBeGreaterThan(0);
  });

  it('ends a job that cannot start with the spawn error, as spawning it here would', async () => {
    const job = collect(helperFromSources().spawnJob(spec(['/nonexistent/gantry-no-such-binary'])));
    const exit = await job.exit;
    expect(exit).toMatchObject({ code: null, signal: null, error: { code: 'ENOENT' } });
  });

  it('signals the job through the helper, even when asked before the job has started', async () => {
    const helper = helperFromSources();
    const job = helper.spawnJob(spec(['sleep', '30']));
    job.kill('SIGTERM');
    const exit = await collect(job).exit;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('fails the jobs of a helper that died and starts a new helper for the next job', async () => {
    const helper = helperFromSources();
    const job = collect(helper.spawnJob(spec(['sleep', '30'])));
    const pid = await job.pid;
    const firstHelper = helper.pid as number;
    process.kill(firstHelper, 'SIGKILL');
    const exit = await job.exit;
    expect(exit.error?.message).toMatch(/spawn helper exited/);
    process.kill(-pid, 'SIGKILL');
    const next = collect(helper.spawnJob(spec(['true'])));
    expect(await next.exit).toEqual({ code: 0, signal: null });
    await waitFor(() => helper.pid !== undefined && helper.pid !== firstHelper, 'a new helper');
  });

  it('starts now on start(), and sets every helper it starts, the first and one after a crash, to the jobs\' priority', async () => {
    // Higher than this process's own, which any process may set; an agent that raised its own nice asks for a lower one.
    const jobPriority = Math.min(19, getPriority() + 3);
    const lost: Error[] = [];
    const helper = helperFromSources({ jobPriority, onPriorityLost: (error) => lost.push(error) });
    helper.start();
    const firstHelper = helper.pid as number;
    expect(firstHelper).toBeGreaterThan(0);
    expect(niceOf(firstHelper)).toBe(jobPriority);
    const job = collect(helper.spawnJob(spec(['nice'])));
    expect(await job.exit).toEqual({ code: 0, signal: null });
    expect(job.output()).toBe(`stdout:${jobPriority}\n`);

    process.kill(firstHelper, 'SIGKILL');
    await waitFor(() => helper.pid !== firstHelper, 'the helper to be seen gone');
    const next = collect(helper.spawnJob(spec(['nice'])));
    expect(await next.exit).toEqual({ code: 0, signal: null });
    expect(next.output()).toBe(`stdout:${jobPriority}\n`);
    expect(niceOf(helper.pid as number)).toBe(jobPriority);
    expect(lost).toEqual([]);
  });
});
