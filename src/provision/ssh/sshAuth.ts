import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthMethod, AgentAuthMethod, ParsedKey, PublicKeyAuthMethod } from 'ssh2';
import { ValidationError } from '../../shared';
import { PassphraseError } from '../errors';
import { sshUtils as utils } from './ssh2Module';

/** How we log in: a key file (its passphrase from the secret store), else the ssh-agent, else ~/.ssh/id_*. */
export interface SshAuth {
  identityFile: string | null;
  passphrase: string | null;
  /** `SSH_AUTH_SOCK`; null when no agent runs. */
  agentSocket: string | null;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

function readKey(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new ValidationError(`identity_file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, 'identity_file');
  }
}

/**
 * Decrypting an OpenSSH key runs bcrypt-pbkdf in JavaScript, about a second per try; keys are
 * parsed once per content and passphrase and the parsed key is handed to ssh2.
 */
const parsedKeys = new Map<string, ParsedKey>();

/** Parses the key here, so a missing or wrong passphrase is named as such, not as "authentication failed". */
export function checkPrivateKey(file: string, passphrase: string | null): ParsedKey {
  const data = readKey(file);
  const cacheKey = createHash('sha256').update(data).update('\0').update(passphrase ?? '').digest('hex');
  const cached = parsedKeys.get(cacheKey);
  if (cached) return cached;
  const result = utils.parseKey(data, passphrase ?? undefined);
  const parsed = Array.isArray(result) ? result[0] : result;
  if (!(parsed instanceof Error)) {
    parsedKeys.set(cacheKey, parsed);
    return parsed;
  }
  const message = parsed.message.toLowerCase();
  if (message.includes('no passphrase given')) throw new PassphraseError(`passphrase: the key ${file} is encrypted; give its passphrase`);
  if (message.includes('passphrase')) throw new PassphraseError(`passphrase: wrong passphrase for the key ${file}`);
  throw new ValidationError(`identity_file: ${file} is not a private key ssh2 can read (${parsed.message})`, 'identity_file');
}

/** Whether the key file is encrypted (the CLI then asks for its passphrase). */
export function keyNeedsPassphrase(file: string): boolean {
  const parsed = utils.parseKey(readKey(file));
  return parsed instanceof Error && parsed.message.toLowerCase().includes('no passphrase given');
}

/** The methods to try, in order; a description of them for error messages. */
export function authMethods(username: string, auth: SshAuth): { methods: AuthMethod[]; described: string } {
  if (auth.identityFile) {
    const key = checkPrivateKey(auth.identityFile, auth.passphrase);
    const method: PublicKeyAuthMethod = { type: 'publickey', username, key };
    return { methods: [method], described: `the key ${auth.identityFile}` };
  }
  const methods: AuthMethod[] = [];
  const names: string[] = [];
  if (auth.agentSocket) {
    methods.push({ type: 'agent', username, agent: auth.agentSocket } as AgentAuthMethod);
    names.push('the ssh-agent');
  }
  for (const name of DEFAULT_KEYS) {
    const file = join(homedir(), '.ssh', name);
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      continue;
    }
    // An encrypted default key needs a passphrase we do not have; the agent is its way in.
    if (utils.parseKey(data) instanceof Error) continue;
    methods.push({ type: 'publickey', username, key: data } as PublicKeyAuthMethod);
    names.push(file);
  }
  if (methods.length === 0) throw new ValidationError('identity_file: no key to log in with: give --identity FILE, or start an ssh-agent', 'identity_file');
  return { methods, described: names.join(', ') };
}
