import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation, Job, JobPage, SweepResponse } from '../../../src/shared';
import type { z } from 'zod';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

// No worker here: jobs stay queued, so states are exactly what the commands made them.
let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
});
afterAll(async () => {
  await t?.close();
});

const json = <T>(result: { stdout: Buffer }): T => JSON.parse(result.stdout.toString()) as T;

describe('gantry submit', () => {
  it('prints the new job id and sends argv as an array, hostile arguments intact', async () => {
    const result = await t.gantry(['submit', '--project', 'cli-it', '--gpus', '0', '--tag', 'x', '--', 'python', '-c', 'print(1); import os', '$HOME', 'a b']);
    expect(result.stderr).toBe('created project cli-it\n');
    expect(result.code).toBe(0);
    const id = Number(stdoutText(result).trim());
    const job = t.coordinator.getJob(id);
    expect(job.command).toEqual(['python', '-c', 'print(1); import os', '$HOME', 'a b']);
    expect(job.project).toBe('cli-it');
    expect(job.requirements.tags).toEqual(['x']);
  });

  it('sends a shell string with --shell and prints the job as JSON with --json', async () => {
    const result = await t.gantry(['submit', '--json', '--shell', '--priority', '-2', '--retries', '2', '--env', 'A=1', '--', 'echo', '$A', '|', 'wc']);
    expect(result.code).toBe(0);
    const job = json<Job>(result);
    expect(job.command).toEqual({ shell: 'echo $A | wc' });
    expect(job.priority).toBe(-2);
    expect(job.max_attempts).toBe(3);
    expect(job.env).toEqual({ A: '1' });
  });

  it('exits 3 and names the field when the API refuses the job', async () => {
    const result = await t.gantry(['submit', '--gpus', '100000', '--', 'true']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: .*\(field: requirements\.gpus\)\n$/);
  });

  it('exits 2 on a bad flag value without calling the API', async () => {
    const result = await t.gantry(['submit', '--gpus', 'two', '--', 'true']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--gpus/);
  });
});

describe('gantry sweep', () => {
  it('previews the expanded commands on --dry-run and queues nothing', async () => {
    const before = t.coordinator.countJobs().total;
    const result = await t.gantry(['sweep', `echo --lr {lr} 'seed {seed}'`, '--param', 'lr=1e-3,3e-4', '--param', 'seed=1..3', '--dry-run']);
    expect(result.code).toBe(0);
    const lines = stdoutText(result).trimEnd().split('\n');
    expect(lines[0]).toBe('6 jobs would be queued:');
    expect(lines.slice(1)).toContain(`  echo --lr 3e-4 'seed 2'`);
    expect(t.coordinator.countJobs().total).toBe(before);
  });

  it('queues one job per combination with each value as one argument', async () => {
    const result = await t.gantry(['sweep', '--project', 'sweep-it', '--json', 'train --lr {lr} --seed {seed}', '--param', 'lr=1e-3,3e-4', '--param', 'seed=1..5..2']);
    expect(result.code).toBe(0);
    const response = json<z.infer<typeof SweepResponse>>(result);
    expect(response.count).toBe(6);
    const commands = response.jobs.map((job) => job.command);
    expect(commands).toContainEqual(['train', '--lr', '1e-3', '--seed', '5']);
    expect(response.jobs.every((job) => job.project === 'sweep-it')).toBe(true);
  });

  it('pairs values with --zip and prints the count and the id range', async () => {
    const result = await t.gantry(['sweep', '--project', 'zip-it', 'run {a} {b}', '--param', 'a=1,2', '--param', 'b=x,y', '--zip']);
    expect(result.code).toBe(0);
    expect(stdoutText(result)).toMatch(/^queued 2 jobs: \d+-\d+ \(sweep \d+\)\n$/);
    const jobs = t.coordinator.listJobs({ project: 'zip-it', sort: 'id' }).jobs;
    expect(jobs.map((job) => job.command)).toEqual([
      ['run', '1', 'x'],
      ['run', '2', 'y'],
    ]);
  });

  it('exits 2 on a malformed --param and on an unquoted shell operator', async () => {
    const badParam = await t.gantry(['sweep', 'run {a}', '--param', 'a=5..1']);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr).toMatch(/range "5\.\.1" is empty/);
    const pipe = await t.gantry(['sweep', 'run {a} | tee x', '--param', 'a=1']);
    expect(pipe.code).toBe(2);
    expect(pipe.stderr).toMatch(/unquoted \|/);
  });
});

describe('gantry ls, show and why', () => {
  it('lists jobs as JSON filtered by project and state', async () => {
    const result = await t.gantry(['ls', '--json', '--project', 'sweep-it', '--state', 'queued', '--limit', '4']);
    expect(result.code).toBe(0);
    const page = json<JobPage>(result);
    expect(page.jobs).toHaveLength(4);
    expect(page.jobs.every((job) => job.project === 'sweep-it' && job.state === 'queued')).toBe(true);
    expect(page.next_cursor).not.toBeNull();
  });

  it('walks every page with --all', async () => {
    const result = await t.gantry(['ls', '--json', '--all', '--project', 'sweep-it']);
    expect(json<JobPage>(result).jobs).toHaveLength(6);
  });

  it('prints a table with a header row', async () => {
    const result = await t.gantry(['ls', '--project', 'zip-it']);
    const lines = stdoutText(result).trimEnd().split('\n');
    expect(lines[0]).toMatch(/^\s*ID\s+STATE\s+TRIES\s+PRIO\s+NAME\s+WORKER\s+AGE$/);
    expect(lines).toHaveLength(3);
  });

  it('explains in words why a queued job is not running', async () => {
    const id = t.coordinator.submit({ command: ['true'] }).id;
    const text = await t.gantry(['why', String(id)]);
    expect(text.code).toBe(0);
    expect(stdoutText(text)).toMatch(new RegExp(`^job ${id} \\(queued\\): .+`));
    const parsed = json<Explanation>(await t.gantry(['why', '--json', String(id)]));
    expect(parsed.job_id).toBe(id);
    expect(parsed.reasons.length).toBeGreaterThan(0);
  });

  it('shows a job with its dependencies and explanation, as text and JSON', async () => {
    const parent = t.coordinator.submit({ command: ['true'], name: 'parent' });
    const child = t.coordinator.submit({ command: ['true'], name: 'child', depends_on: [parent.id] });
    const text = stdoutText(await t.gantry(['show', String(child.id)]));
    expect(text).toContain(`job ${child.id}  child`);
    expect(text).toMatch(new RegExp(`after\\s+${parent.id} \\(queued\\)`));
    expect(text).toContain('why not running:');
    const detail = json<{ job: Job; dependencies: Job[]; explanation: Explanation | null }>(await t.gantry(['show', '--json', String(child.id)]));
    expect(detail.job.state).toBe('waiting');
    expect(detail.dependencies.map((job) => job.id)).toEqual([parent.id]);
    expect(detail.explanation?.state).toBe('waiting');
  });
});

describe('gantry cancel, retry, priority, rm and clear', () => {
  it('cancels, then retries a job', async () => {
    const id = t.coordinator.submit({ command: ['true'] }).id;
    const cancel = await t.gantry(['cancel', String(id)]);
    expect(cancel.code).toBe(0);
    expect(stdoutText(cancel)).toBe(`job ${id}: cancelled\n`);
    expect(t.coordinator.getJob(id).state).toBe('cancelled');
    const retry = await t.gantry(['retry', String(id)]);
    expect(retry.code).toBe(0);
    expect(t.coordinator.getJob(id).state).toBe('queued');
  });

  it('keeps going past a refused id and exits 3 at the end', async () => {
    const id = t.coordinator.submit({ command: ['true'] }).id;
    const result = await t.gantry(['cancel', '999999', String(id)]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/job 999999: /);
    expect(t.coordinator.getJob(id).state).toBe('cancelled');
  });

  it('changes a priority to a negative value and removes a job', async () => {
    const id = t.coordinator.submit({ command: ['true'] }).id;
    expect((await t.gantry(['priority', String(id), '-5'])).code).toBe(0);
    expect(t.coordinator.getJob(id).priority).toBe(-5);
    expect((await t.gantry(['rm', String(id)])).code).toBe(0);
    expect(() => t.coordinator.getJob(id)).toThrow();
  });

  it("clears a project's pending jobs", async () => {
    t.coordinator.createProject({ name: 'to-clear' });
    t.coordinator.submit({ command: ['true'], project: 'to-clear' });
    t.coordinator.submit({ command: ['true'], project: 'to-clear' });
    const result = await t.gantry(['clear', 'to-clear']);
    expect(stdoutText(result)).toBe('to-clear: removed 2 pending jobs\n');
  });
});

describe('exit codes', () => {
  it('exits 3 with the server message on an unknown job id', async () => {
    const result = await t.gantry(['show', '999999']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^error: .*999999/);
  });

  it('exits 3 on a wrong token', async () => {
    const result = await t.gantry(['ls'], { GANTRY_TOKEN: 'gantry_wrong' });
    expect(result.code).toBe(3);
  });

  it('exits 4 when the coordinator cannot be reached', async () => {
    const result = await t.gantry(['ls', '--url', 'http://127.0.0.1:1']);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/cannot reach the coordinator at http:\/\/127\.0\.0\.1:1 .*is `gantry serve` running\?/);
  });

  it('exits 4 with a hint when no coordinator is configured at all', async () => {
    const result = await t.gantry(['ls'], { GANTRY_URL: '', GANTRY_TOKEN: '', GANTRY_DATA_DIR: t.dataDir + '-missing' });
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/is `gantry serve` running\?/);
  });

  it('exits 2 on an unknown command and documents the codes in --help', async () => {
    expect((await t.gantry(['frobnicate'])).code).toBe(2);
    const help = await t.gantry(['--help']);
    expect(help.code).toBe(0);
    expect(stdoutText(help)).toMatch(/Exit codes:[\s\S]*124\s+gantry wait timed out/);
  });
});
