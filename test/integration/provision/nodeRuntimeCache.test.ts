import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

/** A PATH with every tool of /usr/bin and /bin except node: the host "has no Node". */
function pathWithoutNode(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const from of ['/usr/bin', '/bin']) {
    for (const name of readdirSync(from)) {
      if (/^node(js)?$/.test(name)) continue;
      try {
        symlinkSync(join(from, name), join(bin, name));
      } catch {
        // the same name in both folders (merged /usr): the first one stays
      }
    }
  }
  return bin;
}

describe('a host without Node', () => {
  let h: ProvisionHarness;
  let sshd: TestSshd;
  let scratch: string;
  let cache: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'gantry-nonode-'));
    cache = join(scratch, 'cache');
    const key = `linux-${process.arch}`;
    mkdirSync(join(cache, key), { recursive: true });
    // The cache a user fills by hand; the tests fill it with this machine's node.
    copyFileSync(process.execPath, join(cache, key, 'node'));
    [h, sshd] = await Promise.all([startProvisionHarness({ nodeCacheDir: cache }), startSshd({ path: pathWithoutNode(scratch) })]);
  });
  afterAll(async () => {
    killAgentUnder(sshd.home);
    await h?.close();
    await sshd?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('gets the runtime from the local cache, and the agent runs on it', async () => {
    const added = await h.hosts.add(h.hostSpec('bare', sshd));
    const host = await h.hosts.trust('bare', { fingerprint: added.presented_key!.fingerprint });
    expect(host.probe?.node_version).toBeNull();
    await waitFor(() => h.hosts.get('bare').state === 'online', 'the worker of the host without node');
    const job = h.coordinator.submit({ name: 'which-node', command: ['sh', '-c', 'command -v node || echo none'], requirements: { tags: ['host:bare'] } });
    await waitFor(() => h.coordinator.getJob(job.id).state === 'succeeded', 'the job');
    expect(h.coordinator.readLog(job.id, 1).data.toString()).toBe('none\n');
    const runtimes = readdirSync(join(sshd.home, '.gantry', 'runtime'));
    expect(runtimes).toHaveLength(1);
  });

  it('names the missing cache entry when there is none', async () => {
    await h.hosts.down('bare', { now: true });
    rmSync(cache, { recursive: true });
    rmSync(join(sshd.home, '.gantry', 'runtime'), { recursive: true });
    await expect(h.hosts.up('bare')).rejects.toThrow(new RegExp(`the host has no node; the runtime cache has no .*linux-${process.arch}/node`));
    expect(h.hosts.get('bare').state).toBe('error');
  });
});
