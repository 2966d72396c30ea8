import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../support/cluster';
import { waitFor } from '../../support/waitFor';
import { startSlurmHarness, type SlurmHarness } from './support/slurmHarness';

const run = promisify(execFile);
const relayProcesses = async (port: number): Promise<string[]> =>
  (await run('ps', ['-eo', 'args'])).stdout.split('\n').filter((line) => line.includes(' relay --listen ') && line.includes(`:${port}`));

describe('pilots through the login node: a relay there, piped to the coordinator\'s SSH forward', () => {
  let s: SlurmHarness;
  let relayPort: number;

  beforeAll(async () => {
    s = await startSlurmHarness();
    relayPort = await freePort();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('gives pilots the relay\'s address, and their registration, claims and results go through it', async () => {
    await s.service.add({ name: 'r', login: 'login', max_pilots: 1, idle_timeout_s: 5, relay: `127.0.0.1:${relayPort}` });
    s.service.start();
    const job = s.h.coordinator.submit({ name: 'through-relay', command: ['sh', '-c', 'echo "ran on $(hostname)"'], requirements: { tags: ['slurm:r'] } });
    await waitFor(() => s.h.coordinator.getJob(job.id).state === 'succeeded', 'the job run by a pilot that reached the coordinator through the relay', 90_000);
    expect(s.h.coordinator.readLog(job.id, 1).data.toString()).toMatch(/^ran on /);

    const cluster = s.service.get('r');
    expect(cluster.relay_url).toBe(`http://127.0.0.1:${relayPort}`);
    // Nothing but the relay listens there: the coordinator itself is on another port.
    expect(new URL(s.h.server.url).port).not.toBe(String(relayPort));
    const worker = s.h.coordinator.getWorker(s.h.coordinator.getJob(job.id).worker_id!);
    const slurmJob = worker.name.slice('r-'.length);
    const script = await s.slurm.command(['scontrol', 'write', 'batch_script', slurmJob.split('_')[0], '-']);
    expect(script).toContain(`--url http://127.0.0.1:${relayPort} --token-file `);

    // The relay's command line carries addresses only, never a token.
    const [relay] = await relayProcesses(relayPort);
    expect(relay).toMatch(new RegExp(`relay --listen 127\\.0\\.0\\.1:${relayPort} --to 127\\.0\\.0\\.1:\\d+$`));
    expect(relay).not.toMatch(/gantry_|gwrk_|token/);
  });

  it('stops the relay with the cluster', async () => {
    await s.service.remove('r');
    await waitFor(async () => (await relayProcesses(relayPort)).length === 0, 'the relay to exit once its SSH connection closed');
  });
});
