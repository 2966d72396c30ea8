import { createFileSecretStore, type SecretStore } from '../../core';
import { createSafeStorageSecretStore, type Encryptor } from './safeStorageSecretStore';

export interface SecretStoreChoice extends Encryptor {
  /** Electron's safeStorage on Linux: 'basic_text' means a hard-coded key, no real protection. */
  getSelectedStorageBackend?: () => string;
}

/**
 * The OS-encrypted store when the OS really encrypts; otherwise the 0600 file store, whose
 * `protection` tells the user secrets are only protected by file mode.
 */
export function chooseSecretStore(options: { dir: string; platform: NodeJS.Platform; encryptor: SecretStoreChoice }): SecretStore {
  const { dir, platform, encryptor } = options;
  const weakLinuxBackend = platform === 'linux' && encryptor.getSelectedStorageBackend?.() === 'basic_text';
  if (encryptor.isEncryptionAvailable() && !weakLinuxBackend) {
    return createSafeStorageSecretStore(`${dir}/secrets.enc.json`, encryptor);
  }
  return createFileSecretStore(`${dir}/secrets.json`);
}
