import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { createNetns, startSshd, type TestSshd } from '../../support/sshd';

/**
 * The host runs in its own network namespace: the laptop reaches its sshd (bridged in), but its
 * processes see only the namespace's loopback, so the coordinator on the laptop's 127.0.0.1 is out
 * of reach and the agent must come through an SSH remote forward.
 */
describe('a host that cannot reach the coordinator', () => {
  let h: ProvisionHarness;
  let sshd: TestSshd;
  let netns: ReturnType<typeof createNetns>;
  let fingerprint: string;

  beforeAll(async () => {
    netns = createNetns(`gantry-rt-${process.pid}`);
    [h, sshd] = await Promise.all([startProvisionHarness(), startSshd({ netns: netns.name })]);
  });
  afterAll(async () => {
    killAgentUnder(sshd.home);
    await h?.close();
    await sshd?.stop();
    netns?.remove();
  });

  it('gets its agent through a reverse tunnel and comes online', async () => {
    const added = await h.hosts.add(h.hostSpec('island', sshd));
    fingerprint = added.presented_key!.fingerprint;
    const host = await h.hosts.trust('island', { fingerprint });
    expect(host.reach).toBe('tunnel');
    await waitFor(() => h.hosts.get('island').state === 'online', 'the tunnelled worker online');
  });

  it('keeps the job running while the SSH connection is down, and its result arrives after the reconnect', async () => {
    const go = `${sshd.home}/go`;
    const job = h.coordinator.submit({
      name: 'outlives-the-link',
      command: ['sh', '-c', 'echo started; while [ ! -f "$1" ]; do sleep 0.05; done; echo finished', 'sh', go],
      requirements: { tags: ['host:island'] },
    });
    // Its first output back means the agent holds the job (a claim reply lost in the drop would leave it to the lease).
    await waitFor(() => h.coordinator.getJob(job.id).state === 'running' && h.coordinator.readLog(job.id, 1).data.toString() === 'started\n', 'the job running on the island');
    const before = sshd.accepted;
    await sshd.dropConnections();
    // The tunnel keeper notices the dead link and connects again (a new SSH connection).
    await waitFor(() => sshd.accepted > before, 'the tunnel to reconnect');
    writeFileSync(go, '');
    const done = await waitFor(() => {
      const j = h.coordinator.getJob(job.id);
      return j.state === 'succeeded' || j.state === 'failed' ? j : null;
    }, 'the result after the tunnel came back');
    expect(done.state).toBe('succeeded');
    expect(done.attempt).toBe(1);
    expect(h.coordinator.readLog(job.id, 1).data.toString()).toBe('started\nfinished\n');
    expect(h.hosts.get('island').error).toBeNull();
  });

  it('re-opens the tunnel on the same port when the coordinator restarts', async () => {
    const hosts = h.restartHostService();
    const before = sshd.accepted;
    hosts.resume();
    await waitFor(() => sshd.accepted > before, 'the resumed tunnel connection');
    const job = h.coordinator.submit({ name: 'after-restart', command: ['echo', 'still here'], requirements: { tags: ['host:island'] } });
    await waitFor(() => h.coordinator.getJob(job.id).state === 'succeeded', 'a job through the resumed tunnel');
    // The result and the last log chunk travel separately: wait for the log rather than race it.
    await waitFor(() => h.coordinator.readLog(job.id, 1).data.toString() === 'still here\n', 'the log through the resumed tunnel');
  });
});
