import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

describe('a host over SSH, from add to a job run there', () => {
  let h: ProvisionHarness;
  let sshd: TestSshd;

  beforeAll(async () => {
    [h, sshd] = await Promise.all([startProvisionHarness(), startSshd()]);
  });
  afterAll(async () => {
    killAgentUnder(sshd.home);
    await h.close();
    await sshd.stop();
  });

  it('refuses an unknown host key and names its fingerprint', async () => {
    const host = await h.hosts.add(h.hostSpec('box', sshd, { labels: ['big'] }));
    expect(host.state).toBe('unknown-key');
    const expected = readFileSync(`${sshd.dir}/host_ed25519.pub`, 'utf8');
    expect(expected).toContain(sshd.hostKeyLine.split(' ')[1]);
    expect(host.presented_key).toMatchObject({ host: sshd.host, port: sshd.port, key_type: 'ssh-ed25519', trusted_fingerprint: null });
    expect(host.presented_key!.fingerprint).toMatch(/^SHA256:/);
    expect(host.probe).toBeNull();
  });

  it('refuses to trust a fingerprint the host does not present', async () => {
    await expect(h.hosts.trust('box', { fingerprint: `SHA256:${'A'.repeat(43)}` })).rejects.toThrow(/presents SHA256:.*nothing was trusted/);
    expect(h.hosts.get('box').state).toBe('unknown-key');
  });

  it('once trusted, probes the host, starts its agent and the worker comes online', async () => {
    const fingerprint = h.hosts.get('box').presented_key!.fingerprint;
    const host = await h.hosts.trust('box', { fingerprint });
    expect(host.probe).toMatchObject({ os: 'Linux', home: sshd.home });
    expect(host.probe!.cpus).toBeGreaterThan(0);
    expect(host.probe!.memory_mb).toBeGreaterThan(0);
    expect(host.probe!.node_version).toMatch(/^v\d+/);
    expect(host.probe!.disk_free_mb).toBeGreaterThan(0);
    expect(host.reach).toBe('direct');
    const online = await waitFor(() => h.hosts.get('box').state === 'online' && h.hosts.get('box'), 'the host worker online');
    const worker = h.coordinator.getWorker(online.worker_id!);
    expect(worker.tags).toEqual(expect.arrayContaining(['host:box', 'big']));
  });

  it('runs a job placed on the host there, and its log comes back', async () => {
    const job = h.coordinator.submit({ name: 'on-box', command: ['sh', '-c', 'echo "ran in $HOME"'], requirements: { tags: ['host:box'] } });
    const done = await waitFor(() => {
      const j = h.coordinator.getJob(job.id);
      return j.state === 'succeeded' || j.state === 'failed' ? j : null;
    }, 'the job to finish');
    expect(done.state).toBe('succeeded');
    expect(done.worker_id).toBe(h.hosts.get('box').worker_id);
    expect(h.coordinator.readLog(job.id, 1).data.toString()).toContain(`ran in ${sshd.home}`);
  });

  it('keeps the token out of the agent command line and in a 0600 file', () => {
    const pid = readFileSync(`${sshd.home}/.gantry/run/agent.pid`, 'utf8').trim();
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const token = readFileSync(`${sshd.home}/.gantry/agent.token`, 'utf8').trim();
    expect(token).toMatch(/^gantry_/);
    expect(cmdline).not.toContain(token);
    expect(cmdline).toContain('--token-file');
    expect(statSync(`${sshd.home}/.gantry/agent.token`).mode & 0o777).toBe(0o600);
  });

  it('reads the agent log, stops the agent with down, and removes ~/.gantry with rm', async () => {
    expect(await h.hosts.logs('box', 50)).toMatch(/registered|register/i);
    const down = await h.hosts.down('box', { now: true });
    expect(down.state).toBe('ready');
    await waitFor(() => h.coordinator.getWorker(down.worker_id!).state === 'offline', 'the worker offline after down');
    const removed = await h.hosts.remove('box');
    expect(removed).toMatchObject({ removed: true, cleaned: true, warning: null });
    expect(existsSync(`${sshd.home}/.gantry`)).toBe(false);
    expect(h.hosts.list()).toEqual([]);
  });

  it('blocks a changed host key and names both fingerprints', async () => {
    writeFileSync(h.knownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostKeyLine}\n`);
    const trusted = (await h.hosts.add(h.hostSpec('moved', sshd))).presented_key;
    expect(trusted).toBeNull();
    await waitFor(() => h.hosts.get('moved').state === 'online', 'the second host online');
    await h.hosts.down('moved', { now: true });
    const old = h.hosts.get('moved');
    await sshd.rotateHostKey();
    await expect(h.hosts.up('moved')).rejects.toThrow(/CHANGED: trusted SHA256:\S+, now presents SHA256:/);
    const blocked = h.hosts.get('moved');
    expect(blocked.state).toBe('key-changed');
    expect(blocked.presented_key!.trusted_fingerprint).toMatch(/^SHA256:/);
    expect(blocked.presented_key!.fingerprint).not.toBe(blocked.presented_key!.trusted_fingerprint);
    expect(old.state).toBe('ready');
    await h.hosts.remove('moved');
  });
});
