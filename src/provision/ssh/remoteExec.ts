import type { Readable } from 'node:stream';
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

/** What a remote command reads on stdin: bytes, or a stream piped in with backpressure. */
export type RemoteInput = string | Buffer | Readable;

/**
 * Runs one command line (built with commandLine or shScript, never by hand) and collects its
 * output. A command still running after `timeoutMs` (0: no limit) has its channel closed. Without
 * `stdin` the command reads end-of-file at once.
 */
export function execRemote(client: Client, line: string, timeoutMs = 60_000, stdin?: RemoteInput): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(line, (error, channel) => {
      if (error) return reject(new RemoteCommandError(`cannot run a command on the host: ${error.message}`));
      if (stdin === undefined || typeof stdin === 'string' || Buffer.isBuffer(stdin)) channel.end(stdin);
      else {
        stdin.on('error', (streamError: Error) => {
          channel.close();
          reject(new RemoteCommandError(`reading what was sent to the host failed: ${streamError.message}`));
        });
        stdin.pipe(channel);
      }
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
      const timer = timeoutMs > 0 ? setTimeout(() => channel.close(), timeoutMs) : null;
      channel.on('close', (code: number | null, signal: string | null) => {
        if (timer) clearTimeout(timer);
        resolve({ code: code ?? null, signal: signal ?? null, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
      });
    });
  });
}

/** Like execRemote, but a non-zero exit is an error naming what was being done. */
export async function runRemote(client: Client, line: string, doing: string, timeoutMs?: number, stdin?: RemoteInput): Promise<string> {
  const result = await execRemote(client, line, timeoutMs, stdin);
  if (result.code !== 0) {
    const detail = result.stderr.trim() || result.stdout.trim() || `exit ${result.code ?? result.signal}`;
    throw new RemoteCommandError(`${doing} failed on the host: ${detail.slice(-2000)}`);
  }
  return result.stdout;
}
