import type { Client } from 'ssh2';
import { RemoteCommandError } from '../errors';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

/** Most a remote command's output we keep; probes and logs stay far below it. */
const MAX_OUTPUT = 8 * 1024 * 1024;

/**
 * Runs one command line (built with commandLine or shScript, never by hand) and collects its
 * output. A command still running after `timeoutMs` has its channel closed.
 */
export function execRemote(client: Client, line: string, timeoutMs = 60_000): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(line, (error, channel) => {
      if (error) return reject(new RemoteCommandError(`cannot run a command on the host: ${error.message}`));
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let size = 0;
      const keep = (into: Buffer[]) => (chunk: Buffer) => {
        if (size >= MAX_OUTPUT) return;
        size += chunk.length;
        into.push(chunk);
      };
      channel.on('data', keep(stdout));
      channel.stderr.on('data', keep(stderr));
      const timer = setTimeout(() => channel.close(), timeoutMs);
      channel.on('close', (code: number | null, signal: string | null) => {
        clearTimeout(timer);
        resolve({ code: code ?? null, signal: signal ?? null, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
      });
    });
  });
}

/** Like execRemote, but a non-zero exit is an error naming what was being done. */
export async function runRemote(client: Client, line: string, doing: string, timeoutMs?: number): Promise<string> {
  const result = await execRemote(client, line, timeoutMs);
  if (result.code !== 0) {
    const detail = result.stderr.trim() || result.stdout.trim() || `exit ${result.code ?? result.signal}`;
    throw new RemoteCommandError(`${doing} failed on the host: ${detail.slice(-2000)}`);
  }
  return result.stdout;
}
