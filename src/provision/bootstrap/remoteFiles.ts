import { createHash } from 'node:crypto';
import type { Client, SFTPWrapper } from 'ssh2';
import { RemoteCommandError } from '../errors';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => (error ? reject(new RemoteCommandError(`cannot open SFTP on the host: ${error.message}`)) : resolve(sftp)));
  });
}

/** Writes a file through SFTP with the given mode from its creation on: a token is never readable by others, not even briefly. */
export function writeRemoteFile(sftp: SFTPWrapper, path: string, data: Buffer, mode: number): Promise<void> {
  return new Promise((resolve, reject) => {
    sftp.writeFile(path, data, { mode }, (error) => {
      if (error) return reject(new RemoteCommandError(`cannot write ${path} on the host: ${error.message}`));
      // An existing file keeps its old mode through open(); set it again.
      sftp.chmod(path, mode, (chmodError) => (chmodError ? reject(new RemoteCommandError(`cannot chmod ${path}: ${chmodError.message}`)) : resolve()));
    });
  });
}

const HASH_SCRIPT = `if [ -f "$1" ]; then (sha256sum "$1" 2>/dev/null || shasum -a 256 "$1" 2>/dev/null || openssl dgst -sha256 -r "$1") | cut -d' ' -f1; fi`;

/** The sha256 of a remote file; null when it does not exist. */
export async function remoteSha256(client: Client, path: string): Promise<string | null> {
  const out = (await runRemote(client, shScript(HASH_SCRIPT, [path]), 'hashing a file')).trim();
  return /^[0-9a-f]{64}$/.test(out) ? out : null;
}

/**
 * Uploads `data` to `path` unless the file there already has its sha256; uploads go to a temporary
 * name, are hashed on the host, and only then renamed into place, so a cut-off transfer is never run.
 */
export async function uploadVerified(client: Client, sftp: SFTPWrapper, path: string, data: Buffer, mode: number): Promise<boolean> {
  const sha256 = createHash('sha256').update(data).digest('hex');
  if ((await remoteSha256(client, path)) === sha256) return false;
  const partial = `${path}.partial`;
  await writeRemoteFile(sftp, partial, data, mode);
  const got = await remoteSha256(client, partial);
  if (got !== sha256) throw new RemoteCommandError(`upload of ${path} arrived corrupted (sha256 ${got ?? 'missing'}, expected ${sha256})`);
  await runRemote(client, shScript('mv -f "$1" "$2"', [partial, path]), 'moving the upload into place');
  return true;
}

/** mkdir -p with mode 0700 for each directory made. */
export async function makeRemoteDirs(client: Client, dirs: string[]): Promise<void> {
  await runRemote(client, shScript('umask 077 && mkdir -p "$@"', dirs), 'creating directories');
}
