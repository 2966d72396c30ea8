/**
 * Where SSH key passphrases and pasted tokens live. The desktop app encrypts them with the OS
 * keychain (src/main/secrets/safeStorageSecretStore.ts); the headless server keeps them in a 0600 file
 * (fileSecretStore.ts). Plain Node, no Electron, so both faces share it.
 */
export interface SecretStore {
  /** Tells the user (settings page, `gantry serve` banner) how secrets are protected at rest. */
  readonly protection: 'os-encryption' | 'file-mode-only';
  /** The file the secrets live in, to show the user. */
  readonly path: string;
  get(key: string): string | null;
  set(key: string, value: string): void;
  /** Returns whether the key existed. */
  delete(key: string): boolean;
  keys(): string[];
}

const KEY = /^[\w.:@/-]{1,200}$/;

export function assertSecretKey(key: string): void {
  if (!KEY.test(key)) throw new TypeError(`secret key ${JSON.stringify(key)} must be 1-200 letters, digits or . _ : @ / -`);
}
