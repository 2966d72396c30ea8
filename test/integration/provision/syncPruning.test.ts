import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostService } from '../../../src/provision';
import { waitFor } from '../../support/waitFor';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

/** The pid of a process that has exited. */
function exitedPid(): number {
  const child = spawnSync('true');
  return child.pid ?? 999_999;
}

describe('old synced copies on a host are pruned, never one an unfinished job runs in', () => {
  let h: ProvisionHarness;
  let sshd: TestSshd;
  const copies = (): string[] => readdirSync(join(sshd.home, '.gantry', 'sync')).sort();
  /** A directory of its own content, synced to the host; returns its content address. */
  const sync = async (name: string) => {
    const dir = join(h.dataDir, 'trees', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'which.txt'), name);
    return h.hosts.sync('box', { dir });
  };

  beforeAll(async () => {
    // Keep the 2 copies used last, beside those in use.
    [h, sshd] = await Promise.all([startProvisionHarness({ syncKeep: 2 }), startSshd()]);
    writeFileSync(h.knownHosts, `[${sshd.host}]:${sshd.port} ${sshd.hostKeyLine}\n`);
    await h.hosts.add(h.hostSpec('box', sshd));
    await waitFor(() => h.hosts.get('box').state === 'online', 'box online', 60_000);
  }, 120_000);
  afterAll(async () => {
    if (sshd) killAgentUnder(sshd.home);
    await h?.close();
    await sshd?.stop();
  });

  it('keeps the copies used last and the one a queued job needs, and removes the rest after a sync', async () => {
    const a = await sync('a');
    // Tagged for no worker: it stays queued, needing its copy.
    const waiting = h.coordinator.submit({ command: ['cat', 'which.txt'], cwd: a.cwd, requirements: { tags: ['nowhere'] } });
    const b = await sync('b');
    const c = await sync('c');
    expect(copies()).toEqual([a.hash, b.hash, c.hash].sort());
    // An upload in progress (its unpacking process alive: this one) stays; one whose process is gone goes.
    const inProgress = `${b.hash}.partial.${process.pid}`;
    mkdirSync(join(sshd.home, '.gantry', 'sync', inProgress));
    mkdirSync(join(sshd.home, '.gantry', 'sync', `${c.hash}.partial.${exitedPid()}`));
    const d = await sync('d');
    expect(copies()).toEqual([a.hash, c.hash, d.hash, inProgress].sort());

    // A tree synced again counts as used now: c stays, d (used before it) is the oldest to go next.
    expect((await sync('c')).uploaded).toBe(false);
    const e = await sync('e');
    expect(copies()).toEqual([a.hash, c.hash, e.hash, inProgress].sort());
    expect(h.coordinator.getJob(waiting.id).state).toBe('queued');

    // Once nothing needs it, hosts up prunes it too.
    h.coordinator.cancel(waiting.id);
    await h.hosts.up('box');
    expect(copies()).toEqual([c.hash, e.hash, inProgress].sort());
  }, 120_000);

  it('uploads a pruned tree again when it is synced again', async () => {
    const again = await sync('a');
    expect(again.uploaded).toBe(true);
    expect(copies()).toContain(again.hash);
  });

  it('stops sending a tree it had not read before once its hash shows the host has it, and leaves no temporary copy', async () => {
    const first = await sync('twin');
    // The same content at another path: no file hash is remembered, so the upload starts before hashing ends.
    const twin = join(h.dataDir, 'elsewhere', 'twin');
    mkdirSync(twin, { recursive: true });
    writeFileSync(join(twin, 'which.txt'), 'twin');
    expect(await h.hosts.sync('box', { dir: twin })).toMatchObject({ hash: first.hash, uploaded: false });
    expect(copies().filter((name) => name.startsWith('sha256-incoming') && !name.includes('.partial.'))).toEqual([]);
    // A stopped unpacking removes its partial copy itself, or the next sync's pruning does once its process is gone.
    const partial = (name: string) => name.includes('.partial.') && !name.endsWith(`.partial.${process.pid}`);
    await waitFor(async () => (await sync('twin')) && !copies().some(partial), 'no partial copy left on the host');
  });

  it('refuses a GANTRY_SYNC_KEEP that is not a whole number of 1 or more, naming it', () => {
    for (const bad of [0, 1.5, -3]) {
      expect(() => createHostService({ coordinator: h.coordinator, secrets: h.secrets, localUrl: () => h.server.url, syncKeep: bad })).toThrow(/GANTRY_SYNC_KEEP: give a whole number/);
    }
  });
});
