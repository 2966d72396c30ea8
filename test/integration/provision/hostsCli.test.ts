import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../../src/core';
import type { Host } from '../../../src/shared';
import { waitFor } from '../../support/waitFor';
import { runGantry, stdoutText } from '../cli/harness';
import { killAgentUnder, startHostsServer, type HostsServer } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

describe('gantry hosts, end to end through the CLI', () => {
  let sshd: TestSshd;
  let locked: TestSshd;
  let hs: HostsServer;
  let coordinator: Coordinator;
  let env: NodeJS.ProcessEnv;
  const gantry = (args: string[], extra: NodeJS.ProcessEnv = {}) => runGantry(args, { ...env, ...extra });
  const hostsJson = async (): Promise<Host[]> => JSON.parse(stdoutText(await gantry(['hosts', 'ls', '--json']))) as Host[];

  beforeAll(async () => {
    [sshd, locked] = await Promise.all([startSshd(), startSshd({ passphrase: 'correct horse' })]);
    hs = await startHostsServer({ prefix: 'gantry-hosts-cli-' });
    ({ coordinator, env } = hs);
  });
  afterAll(async () => {
    if (sshd) killAgentUnder(sshd.home);
    await hs?.close();
    await Promise.all([sshd?.stop(), locked?.stop()]);
  });

  it('add shows the unknown key; trust with its fingerprint starts the agent; a --host job runs there', async () => {
    const target = `${sshd.user}@${sshd.host}:${sshd.port}`;
    const added = await gantry(['hosts', 'add', 'box', '--ssh', target, '--identity', sshd.identityFile, '--label', 'big', '--max-jobs', '2']);
    expect(added.code).toBe(0);
    const fingerprint = /--fingerprint (SHA256:\S+)/.exec(stdoutText(added))?.[1];
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'host_ed25519.pub')]).toString().split(' ')[1];
    expect(fingerprint).toBe(expected);
    expect((await hostsJson())[0]).toMatchObject({ name: 'box', state: 'unknown-key', ssh: { port: sshd.port }, labels: ['big'], max_jobs: 2 });

    const trusted = await gantry(['hosts', 'trust', 'box', '--fingerprint', fingerprint!]);
    expect(trusted.stderr).toBe('');
    expect(stdoutText(trusted)).toMatch(/host box: (starting|online)/);
    await waitFor(() => coordinator.hosts.get('box').state === 'online', 'box online');

    const submitted = await gantry(['submit', '--host', 'box', '--', 'sh', '-c', 'echo "hello from $HOME"']);
    const id = stdoutText(submitted).trim();
    expect((await gantry(['wait', id, '--timeout', '60'])).code).toBe(0);
    expect(stdoutText(await gantry(['logs', id]))).toContain(`hello from ${sshd.home}`);
    expect(stdoutText(await gantry(['hosts', 'logs', 'box', '-n', '20']))).not.toBe('');
  }, 180_000);

  it('keeps a non-standard port through add, bootstrap and re-add (update in place)', async () => {
    const again = await gantry(['hosts', 'add', 'box', '--ssh', `${sshd.user}@${sshd.host}:${sshd.port}`, '--identity', sshd.identityFile, '--label', 'bigger', '--gpus', '0,1']);
    expect(again.code).toBe(0);
    const [box] = await hostsJson();
    expect(box).toMatchObject({ ssh: { port: sshd.port }, labels: ['bigger'], gpus: [0, 1] });
    await waitFor(async () => {
      const worker = coordinator.listWorkers().find((w) => w.name === 'box');
      return worker?.state === 'online' && worker.tags.includes('bigger');
    }, 'the re-added host to restart its agent with the new label');
    // The host's GPU choice reaches its agent.
    const pid = readFileSync(join(sshd.home, '.gantry', 'run', 'agent.pid'), 'utf8').trim();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toEqual(expect.arrayContaining(['--gpus', '0,1']));
  }, 180_000);

  it('names a wrong passphrase and a refused key clearly, storing nothing', async () => {
    const target = `${locked.user}@${locked.host}:${locked.port}`;
    const wrong = await gantry(['hosts', 'add', 'locked', '--ssh', target, '--identity', locked.identityFile], { GANTRY_SSH_PASSPHRASE: 'wrong' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/wrong passphrase for the key .*client_ed25519 \(field: passphrase\)/);
    expect((await hostsJson()).map((h) => h.name)).toEqual(['box']);

    const refused = await gantry(['hosts', 'add', 'locked', '--ssh', target, '--identity', sshd.identityFile]);
    expect(refused.code).toBe(0);
    const trust = await gantry(['hosts', 'trust', 'locked', '--fingerprint', /--fingerprint (SHA256:\S+)/.exec(stdoutText(refused))![1]]);
    expect(trust.code).toBe(3);
    expect(trust.stderr).toMatch(/refused the key .*client_ed25519 \(publickey authentication failed\)/);
    expect((await hostsJson()).find((h) => h.name === 'locked')?.state).toBe('auth-failed');

    const right = await gantry(['hosts', 'add', 'locked', '--ssh', target, '--identity', locked.identityFile], { GANTRY_SSH_PASSPHRASE: 'correct horse' });
    expect(right.code).toBe(0);
    const locked_ = (await hostsJson()).find((h) => h.name === 'locked')!;
    expect(locked_.has_passphrase).toBe(true);
    expect(JSON.stringify(coordinator.eventsSince(0, 10_000))).not.toContain('correct horse');
    expect((await gantry(['hosts', 'rm', 'locked'])).code).toBe(0);
  }, 180_000);

  it('rm stops the agent and cleans ~/.gantry', async () => {
    const removed = await gantry(['hosts', 'rm', 'box']);
    expect(stdoutText(removed)).toContain('host box: removed (~/.gantry cleaned)');
    expect(await hostsJson()).toEqual([]);
  }, 180_000);
});
