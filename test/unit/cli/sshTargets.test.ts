import { describe, expect, it } from 'vitest';
import { parseSshConfig } from '../../../src/cli/hosts/sshConfig';
import { formatSshTarget, parseSshTarget } from '../../../src/shared';

describe('parseSshTarget', () => {
  it('keeps the port that was typed, and 22 only when none was', () => {
    expect(parseSshTarget('ada@gpu.lab:2222', null)).toEqual({ user: 'ada', host: 'gpu.lab', port: 2222 });
    expect(parseSshTarget('gpu.lab', 'me')).toEqual({ user: 'me', host: 'gpu.lab', port: 22 });
    expect(parseSshTarget('ada@[fe80::1]:22', null)).toEqual({ user: 'ada', host: 'fe80::1', port: 22 });
    expect(formatSshTarget({ user: 'ada', host: 'gpu.lab', port: 2222 })).toBe('ada@gpu.lab:2222');
  });

  it('names the flag in errors', () => {
    expect(() => parseSshTarget('ada@gpu.lab:99999', null, 'jump')).toThrow(/^jump: /);
    expect(() => parseSshTarget('a b@host', null)).toThrow(/^ssh: expected USER@HOST/);
  });
});

describe('parseSshConfig', () => {
  it('resolves HostName, User, Port, IdentityFile and chained ProxyJump through aliases', () => {
    const text = `
Host bastion
  HostName bastion.example.org
  User jump
  Port 2200

Host gpu1 gpu2
  HostName %h.lab.internal
  ProxyJump bastion,ops@relay:2022
  IdentityFile ~/.ssh/lab_ed25519

Host *
  User ada
`;
    const hosts = parseSshConfig(text, 'me', '/home/ada');
    expect(hosts.map((h) => h.alias)).toEqual(['bastion', 'gpu1', 'gpu2']);
    expect(hosts[1]).toEqual({
      alias: 'gpu1',
      endpoint: { user: 'ada', host: 'gpu1.lab.internal', port: 22 },
      identityFile: '/home/ada/.ssh/lab_ed25519',
      jump: [{ user: 'jump', host: 'bastion.example.org', port: 2200 }, { user: 'ops', host: 'relay', port: 2022 }],
    });
  });
});
