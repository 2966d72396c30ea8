import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isDead } from '../../support/isDead';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { ProcessGroupRecords } from '../../../src/agent/state/processGroups';
import { baseEnv, spawnAgent, type AgentProcess } from './agentProcess';

/** The attempts whose process groups the state dir records as running, as the next agent will read them. */
const recorded = (spoolDir: string): Array<[number, number]> => new ProcessGroupRecords(spoolDir).leftovers().map((r) => [r.job_id, r.attempt]);

describe.runIf(process.platform === 'linux')('orphaned jobs of an agent that died', () => {
  let server: CoordinatorServer;
  const agents: AgentProcess[] = [];
  const strays: number[] = [];

  afterEach(async () => {
    for (const agent of agents.splice(0)) await stopChild(agent.proc, { signal: 'SIGTERM' });
    for (const pid of strays.splice(0)) if (!isDead(pid)) process.kill(pid, 'SIGKILL');
    await server.close();
  });

  const start = (spoolDir: string): AgentProcess => {
    const agent = spawnAgent(['--url', server.url, '--name', 'orphan-worker', '--spool-dir', spoolDir], { ...baseEnv(), GANTRY_AGENT_TOKEN: server.workerToken });
    agents.push(agent);
    return agent;
  };

  /** An agent on spoolDir starts a job that leaves a background sleep, then dies by SIGKILL: the sleep is its orphan. */
  const orphanASleep = async (spoolDir: string) => {
    const first = start(spoolDir);
    const job = server.coordinator.submit({ command: { shell: 'sleep 300 & echo $!; wait' } });
    const sleepPid = await waitFor(() => Number(server.coordinator.readLog(job.id, 1).data.toString().trim()), 'the job to print its child pid');
    strays.push(sleepPid);
    expect(recorded(spoolDir)).toEqual([[job.id, 1]]);
    await stopChild(first.proc, { signal: 'SIGKILL' });
    // The attempt is the coordinator's to settle; cancelling keeps the next agent from being handed the job again.
    server.coordinator.cancel(job.id);
    return { job, sleepPid };
  };

  it('are killed by the next agent on the same state dir, which says so in its log', async () => {
    server = await startCoordinatorServer();
    const spoolDir = mkdtempSync(join(tmpdir(), 'gantry-orphans-'));
    const { job, sleepPid } = await orphanASleep(spoolDir);
    expect(isDead(sleepPid)).toBe(false);

    const second = start(spoolDir);
    await waitFor(() => isDead(sleepPid), `the orphaned sleep to be killed (agent log: ${second.stderr()})`);
    const line = second.stderr().split('\n').find((l) => l.includes('orphaned process group'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'warn', job_id: job.id, attempt: 1 });
    await waitFor(() => recorded(spoolDir).length === 0, 'the record to be dropped');
  });

  it('leave a process group alone when its number now belongs to processes of another attempt', async () => {
    server = await startCoordinatorServer();
    const spoolDir = mkdtempSync(join(tmpdir(), 'gantry-orphans-'));
    const { job, sleepPid } = await orphanASleep(spoolDir);
    // Pretend the record is of another attempt: the processes in that group do not carry its job id.
    // Written as agents before the journal wrote records (a file per attempt), which the next agent still reads.
    const records = new ProcessGroupRecords(spoolDir);
    const [record] = records.leftovers();
    records.discard(record);
    records.close();
    const oldFormat = join(spoolDir, 'groups', `j${job.id + 1000}-a1.json`);
    writeFileSync(oldFormat, JSON.stringify({ ...record, file: undefined, job_id: job.id + 1000 }));
    expect(recorded(spoolDir)).toEqual([[job.id + 1000, 1]]);

    const second = start(spoolDir);
    await waitFor(() => recorded(spoolDir).length === 0 && second.stderr().includes('registered'), 'the second agent to handle the record');
    expect(isDead(sleepPid)).toBe(false);
    expect(second.stderr()).not.toContain('orphaned process group');
  });
});
