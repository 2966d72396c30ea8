import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import type { HostProbe } from '../../shared';
import { RemoteCommandError } from '../errors';
import { nodeMajor } from '../probe/probeHost';
import { runRemote } from '../ssh/remoteExec';
import { commandLine } from '../ssh/shellQuote';
import { makeRemoteDirs, uploadVerified } from './remoteFiles';
import type { RemoteLayout } from './remoteLayout';

export const MIN_NODE_MAJOR = 18;

const PLATFORMS: Record<string, string> = { linux: 'linux', darwin: 'darwin', freebsd: 'freebsd' };
const ARCHES: Record<string, string> = { x86_64: 'x64', amd64: 'x64', aarch64: 'arm64', arm64: 'arm64', armv7l: 'armv7l', ppc64le: 'ppc64le', s390x: 's390x' };

/** `linux-x64`, `darwin-arm64`…: the cache folder a host's runtime comes from. */
export function runtimeKey(probe: HostProbe): string {
  const platform = PLATFORMS[probe.os.toLowerCase()] ?? probe.os.toLowerCase();
  return `${platform}-${ARCHES[probe.arch] ?? probe.arch}`;
}

/**
 * The node the agent runs with: the host's own when it is new enough, else a binary from the
 * local runtime cache (`<cache>/<platform>-<arch>/node`, filled by the user) uploaded over SFTP.
 * Nothing is ever downloaded on the host.
 */
export async function ensureNodeRuntime(client: Client, sftp: SFTPWrapper, layout: RemoteLayout, probe: HostProbe, cacheDir: string | null): Promise<string> {
  const major = nodeMajor(probe.node_version);
  if (major !== null && major >= MIN_NODE_MAJOR) return 'node';
  const key = runtimeKey(probe);
  const found = probe.node_version ? `node ${probe.node_version}` : 'no node';
  if (!cacheDir) throw new RemoteCommandError(`the host has ${found}; the agent needs Node ≥ ${MIN_NODE_MAJOR}. Point Gantry at a runtime cache (GANTRY_NODE_CACHE) holding ${key}/node`);
  const local = join(cacheDir, key, 'node');
  let data: Buffer;
  try {
    data = readFileSync(local);
  } catch {
    throw new RemoteCommandError(`the host has ${found}; the runtime cache has no ${local} for it (copy a Node ≥ ${MIN_NODE_MAJOR} binary for ${key} there)`);
  }
  const sha = createHash('sha256').update(data).digest('hex').slice(0, 12);
  const remote = layout.runtimeNode(sha);
  await makeRemoteDirs(client, [remote.slice(0, remote.lastIndexOf('/'))]);
  await uploadVerified(client, sftp, remote, data, 0o755);
  await runRemote(client, commandLine([remote, '--version']), `running the uploaded node (${key})`);
  return remote;
}
