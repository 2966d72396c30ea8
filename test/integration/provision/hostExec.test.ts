import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostKeyError } from '../../../src/provision';
import { killAgentUnder, startProvisionHarness, type ProvisionHarness } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';

describe('HostService.exec: argv on a host over SSH', () => {
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

  it('refuses to run anything on a host whose key is not trusted', async () => {
    await h.hosts.add(h.hostSpec('box', sshd));
    await expect(h.hosts.exec('box', ['true'])).rejects.toBeInstanceOf(HostKeyError);
  });

  it('passes every word through quoted, and returns exit status, stdout and stderr', async () => {
    await h.hosts.trust('box', { fingerprint: h.hosts.get('box').presented_key!.fingerprint });
    const tricky = `it's $HOME; \`id\` "x" * $(echo no)`;
    const result = await h.hosts.exec('box', ['sh', '-c', 'printf "%s" "$1"; echo oops >&2; exit 3', 'sh', tricky]);
    expect(result).toEqual({ code: 3, signal: null, stdout: tricky, stderr: 'oops\n' });
  });

  it('feeds stdin to the command', async () => {
    const result = await h.hosts.exec('box', ['cat'], { stdin: 'piped in' });
    expect(result.stdout).toBe('piped in');
    expect(result.code).toBe(0);
  });
});
