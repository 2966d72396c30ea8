import { createSealedSecretStore, type SecretStore } from '../../core';

/** The part of Electron's `safeStorage` this store uses; a fake stands in for it in tests. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class EncryptionUnavailableError extends Error {
  constructor() {
    super('the OS offers no secret encryption (on Linux: no keyring such as gnome-keyring or kwallet is running)');
    this.name = 'EncryptionUnavailableError';
  }
}

/**
 * Secrets encrypted with the OS keychain (Keychain, DPAPI, libsecret) through safeStorage and
 * kept base64-encoded in a 0600 file. Check `isEncryptionAvailable()` before choosing it; on Linux
 * without a keyring safeStorage falls back to a hard-coded key, which protects nothing.
 */
export function createSafeStorageSecretStore(file: string, encryptor: Encryptor): SecretStore {
  if (!encryptor.isEncryptionAvailable()) throw new EncryptionUnavailableError();
  return createSealedSecretStore(file, 'os-encryption', {
    seal: (value) => encryptor.encryptString(value).toString('base64'),
    unseal: (stored) => encryptor.decryptString(Buffer.from(stored, 'base64')),
  });
}
