import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { baseEnv, spawnAgent, type AgentProcess } from './agentProcess';

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

describe('the priority a real agent runs at, and its jobs', () => {
  const startNice = getPriority();
  let server: CoordinatorServer;
  let agent: AgentProcess | undefined;

  afterEach(async () => {
    if (agent) await stopChild(agent.proc, { signal: 'SIGKILL' });
    agent = undefined;
    await server.close();
  });

  async function startAgentWith(args: string[], env: Record<string, string> = {}): Promise<AgentProcess> {
    server = await startCoordinatorServer();
    agent = spawnAgent(['--url', server.url, '--name', 'nice-worker', '--spool-dir', mkdtempSync(join(tmpdir(), 'gantry-nice-')), ...args], {
      ...baseEnv(),
      GANTRY_AGENT_TOKEN: server.workerToken,
      ...env,
    });
    return agent;
  }

  async function runJob(): Promise<JobView> {
    // `nice` prints the value it inherited from the shell, which inherited the job's.
    const job = server.coordinator.submit({ command: ['sh', '-c', 'nice; echo $PPID'] });
    await waitFor(() => server.coordinator.getJob(job.id).state === 'succeeded', `the job to run (agent log: ${agent?.stderr()})`);
    const [nice, parent] = server.coordinator.readLog(job.id, 1).data.toString().trim().split('\n').map(Number);
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
    await server.close();

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
    server = await startCoordinatorServer();
    agent = spawnAgent(['--spawn-helper', '--nice', '0', '--url', server.url, '--name', 'nice-worker', '--spool-dir', mkdtempSync(join(tmpdir(), 'gantry-nice-'))], {
      ...baseEnv(),
      GANTRY_AGENT_TOKEN: server.workerToken,
    });
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
