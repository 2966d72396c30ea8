import { ConflictError, GantryError, ValidationError, type PresentedKey } from '../shared';

/** The host (or a jump hop) presented a key nobody trusted, or one that differs from the trusted key. */
export class HostKeyError extends ConflictError {
  constructor(readonly presented: PresentedKey) {
    const where = `${presented.host}:${presented.port}`;
    super(
      presented.trusted_fingerprint
        ? `host key of ${where} CHANGED: trusted ${presented.trusted_fingerprint}, now presents ${presented.fingerprint} (${presented.key_type}); refusing to connect. If the change is expected, trust the new key with --fingerprint ${presented.fingerprint}`
        : `host key of ${where} is not trusted yet: ${presented.key_type} ${presented.fingerprint}; check it and trust it (gantry hosts trust NAME --fingerprint ${presented.fingerprint})`,
      'fingerprint',
    );
    this.name = 'HostKeyError';
  }
}

/** The server refused every key we offered. */
export class SshAuthError extends GantryError {
  constructor(message: string) {
    super('conflict', message, 'identity_file');
    this.name = 'SshAuthError';
  }
}

/** The key file needs a passphrase, or the one given is wrong. */
export class PassphraseError extends ValidationError {
  constructor(message: string) {
    super(message, 'passphrase');
    this.name = 'PassphraseError';
  }
}

/** No SSH connection could be made (refused, timed out, name unknown). */
export class SshUnreachableError extends GantryError {
  constructor(message: string) {
    super('conflict', message, 'ssh');
    this.name = 'SshUnreachableError';
  }
}

/** A remote command failed; the message carries its exit status and stderr. */
export class RemoteCommandError extends GantryError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'RemoteCommandError';
  }
}
