import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintOf, parseKnownHosts } from '../../../src/provision';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIIZzjXceZDD34aUp/2HNvv5ofyBtEPRjQTJkTHuviwrP';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIJ1Bt1Kx0Y8rzvQZ9kqY2vdn2z3g8Gx5cYVfC1f7a0hN';
const fp = (b64: string) => fingerprintOf(Buffer.from(b64, 'base64'));

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('parseKnownHosts', () => {
  it('prints fingerprints as ssh-keygen -l does', () => {
    expect(fp(KEY_A)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('matches a non-standard port only in its [host]:port form', () => {
    const text = `[gpu.lab]:2222 ssh-ed25519 ${KEY_A}\ngpu.lab ssh-ed25519 ${KEY_B}\n`;
    expect(parseKnownHosts(text, 'gpu.lab', 2222).map((k) => k.fingerprint)).toEqual([fp(KEY_A)]);
    expect(parseKnownHosts(text, 'gpu.lab', 22).map((k) => k.fingerprint)).toEqual([fp(KEY_B)]);
  });

  it('matches hashed host names, wildcards and honours negations', () => {
    const text = [`${hashed('[10.0.0.5]:2200')} ssh-ed25519 ${KEY_A}`, `*.lab,!secret.lab ssh-ed25519 ${KEY_B}`].join('\n');
    expect(parseKnownHosts(text, '10.0.0.5', 2200).map((k) => k.fingerprint)).toEqual([fp(KEY_A)]);
    expect(parseKnownHosts(text, 'box.lab', 22)).toHaveLength(1);
    expect(parseKnownHosts(text, 'secret.lab', 22)).toEqual([]);
  });

  it('marks @revoked keys and skips @cert-authority lines and comments', () => {
    const text = `# comment\n@revoked box ssh-ed25519 ${KEY_A}\n@cert-authority box ssh-ed25519 ${KEY_B}\n`;
    expect(parseKnownHosts(text, 'box', 22)).toEqual([{ keyType: 'ssh-ed25519', fingerprint: fp(KEY_A), revoked: true }]);
  });
});
