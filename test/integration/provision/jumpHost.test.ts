import { existsSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { createNetns, startSshd, type TestSshd } from '../../support/sshd';

/**
 * The target's sshd listens on the loopback of a network namespace; only the jump host (bridged
 * into that namespace) can reach it. One key on the laptop logs in to both.
 */
describe('a host reached through a jump host', () => {
  let h: ProvisionHarness;
  let jump: TestSshd;
  let target: TestSshd;
  let netns: ReturnType<typeof createNetns>;
  const TARGET_PORT = 2222;

  beforeAll(async () => {
    netns = createNetns(`gantry-jump-${process.pid}`);
    [h, jump] = await Promise.all([startProvisionHarness(), startSshd({ netns: netns.name })]);
    target = await startSshd({ netns: netns.name, listenInside: TARGET_PORT, alsoAuthorize: `${jump.identityFile}.pub` });
  });
  afterAll(async () => {
    if (target) killAgentUnder(target.home);
    await h?.close();
    await Promise.all([jump?.stop(), target?.stop()]);
    netns?.remove();
  });

  it('checks each hop key in turn, then runs the agent on the target', async () => {
    const spec = {
      name: 'inner',
      ssh: { user: target.user, host: '127.0.0.1', port: TARGET_PORT },
      identity_file: jump.identityFile,
      jump: [{ user: jump.user, host: jump.host, port: jump.port }],
    };
    const first = await h.hosts.add(spec);
    expect(first.state).toBe('unknown-key');
    expect(first.presented_key).toMatchObject({ host: jump.host, port: jump.port });

    const second = await h.hosts.trust('inner', { fingerprint: first.presented_key!.fingerprint });
    expect(second.state).toBe('unknown-key');
    expect(second.presented_key).toMatchObject({ host: '127.0.0.1', port: TARGET_PORT });

    const up = await h.hosts.trust('inner', { fingerprint: second.presented_key!.fingerprint });
    expect(up.probe?.home).toBe(target.home);
    expect(up.reach).toBe('tunnel');
    await waitFor(() => h.hosts.get('inner').state === 'online', 'the target worker online');

    const job = h.coordinator.submit({ name: 'behind-the-jump', command: ['sh', '-c', 'echo "at $HOME"'], requirements: { tags: ['host:inner'] } });
    await waitFor(() => h.coordinator.getJob(job.id).state === 'succeeded', 'the job on the target');
    expect(h.coordinator.readLog(job.id, 1).data.toString()).toBe(`at ${target.home}\n`);
  });

  it('never copies a private key to the jump host or the target', () => {
    for (const home of [jump.home, target.home]) {
      expect(existsSync(`${home}/.ssh`)).toBe(false);
      const files = existsSync(`${home}/.gantry`) ? readdirSync(`${home}/.gantry`, { recursive: true }).map(String) : [];
      expect(files.filter((f) => /id_|_ed25519|\.pem$/.test(f))).toEqual([]);
    }
  });
});
