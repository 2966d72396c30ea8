import { posix } from 'node:path';
import type { Client } from 'ssh2';
import type { HostProbe } from '../../shared';
import { agentUnitName, remoteAgentRunning, startRemoteAgent, stopRemoteAgent } from './agentControl';
import type { AgentBundle } from './agentBundle';
import { ensureNodeRuntime } from './nodeRuntime';
import { makeRemoteDirs, openSftp, uploadVerified, writeRemoteFile } from './remoteFiles';
import { remoteLayout } from './remoteLayout';

export interface AgentSettings {
  hostName: string;
  tags: string[];
  maxJobs: number | null;
  /** GPU indexes the agent may use; null: all. */
  gpus: number[] | null;
}

export interface InstallInput {
  client: Client;
  probe: HostProbe;
  bundle: AgentBundle;
  nodeCacheDir: string | null;
}

/** What the host has once the files are in place: how to run the agent there. */
export interface InstalledAgent {
  node: string;
  agentFile: string;
}

/** Uploads the node runtime (if the host lacks one) and the agent bundle, both sha256-checked. */
export async function installAgentFiles(input: InstallInput): Promise<InstalledAgent> {
  const layout = remoteLayout(input.probe.home);
  const agentFile = layout.agentFile(input.bundle.version);
  await makeRemoteDirs(input.client, [layout.root, posix.dirname(agentFile), layout.spoolDir, layout.runDir]);
  const sftp = await openSftp(input.client);
  try {
    const node = await ensureNodeRuntime(input.client, sftp, layout, input.probe, input.nodeCacheDir);
    await uploadVerified(input.client, sftp, agentFile, input.bundle.data, 0o644);
    return { node, agentFile };
  } finally {
    sftp.end();
  }
}

/**
 * Replaces whatever agent runs there with one started from `installed`, talking to `url` with the
 * worker token written to a 0600 file (never in argv, so never in `ps`).
 */
export async function launchAgent(client: Client, probe: HostProbe, installed: InstalledAgent, settings: AgentSettings, url: string, token: string): Promise<void> {
  const layout = remoteLayout(probe.home);
  const sftp = await openSftp(client);
  try {
    await writeRemoteFile(sftp, layout.tokenFile, Buffer.from(`${token}\n`), 0o600);
  } finally {
    sftp.end();
  }
  await stopRemoteAgent(client, layout);
  const argv = [installed.node, installed.agentFile, '--url', url, '--token-file', layout.tokenFile, '--name', settings.hostName, '--spool-dir', layout.spoolDir];
  if (settings.tags.length > 0) argv.push('--tags', settings.tags.join(','));
  if (settings.maxJobs !== null) argv.push('--max-jobs', String(settings.maxJobs));
  if (settings.gpus !== null) argv.push('--gpus', settings.gpus.join(','));
  await startRemoteAgent(client, layout, argv, { systemd: probe.systemd_user, unit: agentUnitName(settings.hostName) });
}

export { remoteAgentRunning };
