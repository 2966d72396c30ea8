import { posix } from 'node:path';

/** Where Gantry keeps its files on a host, all under `~/.gantry` (absolute: exec and SFTP agree on it). */
export interface RemoteLayout {
  root: string;
  tokenFile: string;
  logFile: string;
  spoolDir: string;
  runDir: string;
  agentFile(version: string): string;
  runtimeNode(sha: string): string;
}

export function remoteLayout(home: string): RemoteLayout {
  const root = posix.join(home, '.gantry');
  return {
    root,
    tokenFile: posix.join(root, 'agent.token'),
    logFile: posix.join(root, 'agent.log'),
    spoolDir: posix.join(root, 'spool'),
    runDir: posix.join(root, 'run'),
    agentFile: (version) => posix.join(root, 'agent', version, 'gantry-agent.js'),
    runtimeNode: (sha) => posix.join(root, 'runtime', sha, 'node'),
  };
}
