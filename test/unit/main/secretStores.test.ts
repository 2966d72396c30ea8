import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSecretStore } from '../../../src/core';
import { createSafeStorageSecretStore, EncryptionUnavailableError, type Encryptor } from '../../../src/main/secrets/safeStorageSecretStore';
import { chooseSecretStore } from '../../../src/main/secrets/chooseSecretStore';

const fakeEncryptor = (available = true, backend?: string): Encryptor & { getSelectedStorageBackend?: () => string } => ({
  isEncryptionAvailable: () => available,
  encryptString: (text) => Buffer.from([...Buffer.from(text)].map((b) => b ^ 0x5a)),
  decryptString: (sealed) => Buffer.from([...sealed].map((b) => b ^ 0x5a)).toString(),
  ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
});

describe('secret stores', () => {
  let dir = '';
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'gantry-secrets-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('file store round-trips, lists and deletes secrets', () => {
    const store = createFileSecretStore(join(dir, 's.json'));
    expect(store.get('ssh:gpu1')).toBeNull();
    store.set('ssh:gpu1', 'hunter2');
    store.set('token:lab', 'abc');
    expect(createFileSecretStore(join(dir, 's.json')).get('ssh:gpu1')).toBe('hunter2');
    expect(store.keys().sort()).toEqual(['ssh:gpu1', 'token:lab']);
    expect(store.delete('ssh:gpu1')).toBe(true);
    expect(store.delete('ssh:gpu1')).toBe(false);
    expect(store.get('ssh:gpu1')).toBeNull();
  });

  it('file store writes the file with mode 0600 and says it is protected by file mode only', () => {
    const file = join(dir, 's.json');
    const store = createFileSecretStore(file);
    store.set('k', 'v');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.protection).toBe('file-mode-only');
  });

  it('file store narrows a pre-existing file that was readable by others', () => {
    const file = join(dir, 's.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o644);
    createFileSecretStore(file).set('k', 'v');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses keys that could not be shown or stored safely', () => {
    expect(() => createFileSecretStore(join(dir, 's.json')).set('bad key\n', 'v')).toThrow(TypeError);
  });

  it('safeStorage store keeps only ciphertext on disk and round-trips', () => {
    const file = join(dir, 'e.json');
    const store = createSafeStorageSecretStore(file, fakeEncryptor());
    store.set('ssh:gpu1', 'hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(store.get('ssh:gpu1')).toBe('hunter2');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('safeStorage store refuses to start when the OS cannot encrypt', () => {
    expect(() => createSafeStorageSecretStore(join(dir, 'e.json'), fakeEncryptor(false))).toThrow(EncryptionUnavailableError);
  });

  it('chooses the file store on Linux when safeStorage would use its hard-coded key', () => {
    expect(chooseSecretStore({ dir, platform: 'linux', encryptor: fakeEncryptor(true, 'basic_text') }).protection).toBe('file-mode-only');
    expect(chooseSecretStore({ dir, platform: 'linux', encryptor: fakeEncryptor(true, 'gnome_libsecret') }).protection).toBe('os-encryption');
    expect(chooseSecretStore({ dir, platform: 'darwin', encryptor: fakeEncryptor(false) }).protection).toBe('file-mode-only');
  });
});
