/**
 * SecretStore for the headless server (`gantry serve`) and for the app when the OS offers no
 * encryption. SECRETS ARE PLAIN TEXT AT REST: the only protection is the file mode (0600, owner
 * read/write) and its 0700 folder. Anyone with the user's account, root, or a backup of the
 * disk can read them. Callers tell the user so through `protection`.
 */
import { join } from 'node:path';
import { readSecretFile, writeSecretFile } from './secretFile';
import { assertSecretKey, type SecretStore } from './secretStore';

export function createFileSecretStore(file: string): SecretStore {
  return createSealedSecretStore(file, 'file-mode-only', { seal: (value) => value, unseal: (stored) => stored });
}

/**
 * A key → value store in one 0600 JSON file; `seal` and `unseal` turn values into what is
 * stored (the identity here, OS encryption in the desktop app's store).
 */
export function createSealedSecretStore(
  file: string,
  protection: SecretStore['protection'],
  codec: { seal: (value: string) => string; unseal: (stored: string) => string },
): SecretStore {
  const load = () => readSecretFile(file);
  return {
    protection,
    path: file,
    get(key) {
      assertSecretKey(key);
      const stored = load()[key];
      return stored === undefined ? null : codec.unseal(stored);
    },
    set(key, value) {
      assertSecretKey(key);
      writeSecretFile(file, { ...load(), [key]: codec.seal(value) });
    },
    delete(key) {
      assertSecretKey(key);
      const values = load();
      if (!(key in values)) return false;
      delete values[key];
      writeSecretFile(file, values);
      return true;
    },
    keys: () => Object.keys(load()),
  };
}

/** The headless coordinator's secrets file inside its data dir. */
export function secretsFilePath(dataDir: string): string {
  return join(dataDir, 'secrets.json');
}
