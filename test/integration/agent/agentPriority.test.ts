import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer } from '../../support/coordinatorServer';
import { agentTestRun, baseEnv, spawnAgent, type AgentProcess } from './agentProcess';

/** Fields of /proc/PID[/task/TID]/stat after the command's name (which may hold spaces). */
function statFields(path: string): string[] {
  const text = readFileSync(join(path, 'stat'), 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}
const niceOf = (path: string): number => Number(statFields(path)[16]);
const parentOf = (pid: number): number => Number(statFields(`/proc/${pid}`)[1]);
/** The nice value of each of a process's threads. */
const threadNices = (pid: number): number[] => readdirSync(`/proc/${pid}/task`).map((tid) => niceOf(`/proc/${pid}/task/${tid}`));

/** What a job printed: its own nice value and its parent's pid. */
interface JobView {
  nice: number;
  parent: number;
}

/** The coordinator and the agent of the running test, stopped after each test of both describes below. */
const run = agentTestRun();

describe('the priority a real agent runs at, and its jobs', () => {
  const startNice = getPriority();

  async function startAgentWith(args: string[], env: Record<string, string> = {}): Promise<AgentProcess> {
    run.server = await startCoordinatorServer();
    run.agent = spawnAgent(['--url', run.server.url, '--name', 'nice-worker', '--spool-dir', mkdtempSync(join(tmpdir(), 'gantry-nice-')), ...args], {
      ...baseEnv(),
      GANTRY_AGENT_TOKEN: run.server.workerToken,
      ...env,
    });
    return run.agent;
  }

  async function runJob(): Promise<JobView> {
    // `nice` prints the value it inherited from the shell, which inherited the job's.
    const job = run.server.coordinator.submit({ command: ['sh', '-c', 'nice; echo $PPID'] });
    await waitFor(() => run.server.coordinator.getJob(job.id).state === 'succeeded', `the job to run (agent log: ${run.agent?.stderr()})`);
    const [nice, parent] = run.server.coordinator.readLog(job.id, 1).data.toString().trim().split('\n').map(Number);
    return { nice, parent };
  }

  it('with --nice 10 runs its own threads 10 steps nicer, and its jobs at the priority it was started with, forked by its spawn helper', async () => {
    const { proc } = await startAgentWith(['--nice', '10']);
    const job = await runJob();
    expect(job.nice).toBe(startNice);
    // The job's parent is the spawn helper, itself a child of the agent left at the starting priority.
    expect(job.parent).not.toBe(proc.pid);
    expect(parentOf(job.parent)).toBe(proc.pid);
    expect(niceOf(`/proc/${job.parent}`)).toBe(startNice);
    expect(new Set(threadNices(proc.pid!))).toEqual(new Set([Math.min(19, startNice + 10)]));
  });

  it('with --nice N raises its own nice value by N, and GANTRY_AGENT_NICE does the same', async () => {
    const { proc } = await startAgentWith(['--nice', '4'], { GANTRY_AGENT_NICE: '9' });
    expect((await runJob()).nice).toBe(startNice);
    expect(new Set(threadNices(proc.pid!))).toEqual(new Set([Math.min(19, startNice + 4)]));
    await stopChild(proc, { signal: 'SIGKILL' });
    await run.server.close();

    const second = await startAgentWith([], { GANTRY_AGENT_NICE: '6' });
    expect((await runJob()).nice).toBe(startNice);
    expect(new Set(threadNices(second.proc.pid!))).toEqual(new Set([Math.min(19, startNice + 6)]));
  });

  it('by default (--nice 0) keeps its priority and forks its jobs itself', async () => {
    const { proc } = await startAgentWith([]);
    const job = await runJob();
    expect(job).toEqual({ nice: startNice, parent: proc.pid });
    expect(niceOf(`/proc/${proc.pid}`)).toBe(startNice);
  });

  it('with --nice 0 --spawn-helper, the flag first, runs as an agent whose jobs its helper forks', async () => {
    run.server = await startCoordinatorServer();
    const agent = (run.agent = spawnAgent(['--spawn-helper', '--nice', '0', '--url', run.server.url, '--name', 'nice-worker', '--spool-dir', mkdtempSync(join(tmpdir(), 'gantry-nice-'))], {
      ...baseEnv(),
      GANTRY_AGENT_TOKEN: run.server.workerToken,
    }));
    const job = await runJob();
    expect(job.nice).toBe(startNice);
    expect(parentOf(job.parent)).toBe(agent.proc.pid);
    expect(niceOf(`/proc/${agent.proc.pid}`)).toBe(startNice);
  });

  it('refuses a --nice outside 0 to 19 before doing anything, naming the flag', async () => {
    const refused = await startAgentWith(['--nice', '25']);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toMatch(/--nice must be a whole number from 0 to 19, got "25"/);
  });
});

/**
 * `/autogroup-N nice V` of a process, as its id and nice value. The kernel prints nothing for a
 * process in its default autogroup (one still in the boot session, as a CI runner may be), whose
 * nice is 0 and cannot be changed from inside.
 */
function autogroupOf(pid: number | 'self'): { id: string; nice: number } {
  const line = readFileSync(`/proc/${pid}/autogroup`, 'utf8').trim();
  if (line === '') return { id: 'default', nice: 0 };
  const [id, , nice] = line.split(' ');
  return { id, nice: Number(nice) };
}

const autogroupOn = existsSync('/proc/self/autogroup') && readFileSync('/proc/sys/kernel/sched_autogroup_enabled', 'utf8').trim() === '1';

// Needs a Linux kernel with autogroup on (this project's machines have it); reported as skipped elsewhere.
describe.runIf(autogroupOn)("the agent's session under Linux's autogroup", () => {

  async function startAgentWith(args: string[], ownSession: boolean, leaseTtlMs?: number): Promise<AgentProcess> {
    run.server = await startCoordinatorServer({ leaseTtlMs });
    const spool = mkdtempSync(join(tmpdir(), 'gantry-autogroup-'));
    run.agent = spawnAgent(['--url', run.server.url, '--name', 'autogroup-worker', '--spool-dir', spool, ...args], { ...baseEnv(), GANTRY_AGENT_TOKEN: run.server.workerToken }, { ownSession });
    return run.agent;
  }

  /** Runs a job that prints its own autogroup line and its parent's pid, and returns them. */
  async function jobAutogroup(): Promise<{ id: string; nice: number; parent: number }> {
    const job = run.server.coordinator.submit({ command: ['sh', '-c', 'cat /proc/self/autogroup; echo $PPID'] });
    await waitFor(() => run.server.coordinator.getJob(job.id).state === 'succeeded', `the job to run (agent log: ${run.agent?.stderr()})`);
    const [line, parent] = run.server.coordinator.readLog(job.id, 1).data.toString().trim().split('\n');
    const [id, , nice] = line.split(' ');
    return { id, nice: Number(nice), parent: Number(parent) };
  }

  it('with --nice 10 in a session of its own, raises its autogroup to nice 10 while its jobs and spawn helper get fresh ones at 0', async () => {
    const { proc } = await startAgentWith(['--nice', '10'], true);
    const job = await jobAutogroup();
    const agentGroup = autogroupOf(proc.pid!);
    expect(agentGroup.nice).toBe(10);
    expect(job.nice).toBe(0);
    expect(job.id).not.toBe(agentGroup.id);
    // The job's parent is the spawn helper, the agent's child.
    expect(parentOf(job.parent)).toBe(proc.pid);
    const helperGroup = autogroupOf(job.parent);
    expect(helperGroup.nice).toBe(0);
    expect(helperGroup.id).not.toBe(agentGroup.id);
    expect(run.agent?.stderr()).toMatch(/"msg":"the agent's session yields to other sessions \(autogroup\)".*"autogroupNice":10/);
  });

  it('with --nice 10 in a session it shares (here the test runner\'s), leaves that session\'s autogroup alone and says why', async () => {
    const before = autogroupOf('self');
    const { proc } = await startAgentWith(['--nice', '10'], false);
    await jobAutogroup();
    expect(autogroupOf(proc.pid!)).toEqual(before);
    expect(autogroupOf('self')).toEqual(before);
    expect(run.agent?.stderr()).toMatch(/the agent's session keeps its autogroup priority.*shares its session/);
  });

  it('by default (--nice 0), in a session of its own, keeps its autogroup at nice 0', async () => {
    const { proc } = await startAgentWith([], true);
    await jobAutogroup();
    expect(autogroupOf(proc.pid!).nice).toBe(0);
    expect(run.agent?.stderr()).not.toMatch(/autogroup/);
  });

  it('with --nice 19 in a session of its own, while its jobs burn every core, heartbeats in time: no lease expires and the worker stays online', async () => {
    // A lease a third of production's (heartbeats every third of it), spanned twice by jobs that keep every core busy.
    const leaseTtlMs = 10_000;
    const cores = availableParallelism();
    const { proc } = await startAgentWith(['--nice', '19', '--max-jobs', String(cores)], true, leaseTtlMs);
    const burn = `const end = Date.now() + ${2 * leaseTtlMs}; while (Date.now() < end);`;
    const ids = Array.from({ length: cores }, () => run.server.coordinator.submit({ command: [process.execPath, '-e', burn] }).id);
    const notOnline = new Set<string>();
    const watch = setInterval(() => {
      const worker = run.server.coordinator.listWorkers().find((w) => w.name === 'autogroup-worker');
      if (worker && worker.state !== 'online') notOnline.add(worker.state);
    }, 100);
    try {
      await waitFor(() => ids.every((id) => run.server.coordinator.getJob(id).finished_at !== null), `the burning jobs to end (agent log: ${run.agent?.stderr()})`, 10 * leaseTtlMs);
    } finally {
      clearInterval(watch);
    }
    expect(autogroupOf(proc.pid!).nice).toBe(19);
    const jobs = ids.map((id) => run.server.coordinator.getJob(id));
    for (const job of jobs) expect(job).toMatchObject({ state: 'succeeded', attempt: 1, lost_attempts: 0 });
    // Every core was burning at once: each job started before any ended.
    expect(Math.max(...jobs.map((j) => j.started_at ?? Infinity))).toBeLessThan(Math.min(...jobs.map((j) => j.finished_at ?? -Infinity)));
    expect([...notOnline]).toEqual([]);
  }, 15 * 10_000);
});
