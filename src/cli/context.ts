import { homedir } from 'node:os';
import { escapeControlKeepLines, escapeJsonForTerminal } from './format/terminalText';

export type OutputStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/** Everything a command takes from its surroundings, so tests can run commands in-process. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  homeDir: string;
  stdout: OutputStream;
  stderr: OutputStream;
  now: () => number;
}

export function processContext(): CliContext {
  return { env: process.env, cwd: process.cwd(), homeDir: homedir(), stdout: process.stdout, stderr: process.stderr, now: Date.now };
}

/** Writes text as lines; control characters in it (from job names, commands, errors) are shown escaped. */
export function printLine(stream: OutputStream, text: string): void {
  stream.write(`${escapeControlKeepLines(text)}\n`);
}

export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${escapeJsonForTerminal(JSON.stringify(value, null, 2))}\n`);
}

/** Writes bytes and resolves once the stream accepted them, so large logs respect backpressure. */
export function writeBytes(stream: OutputStream, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error ? reject(error) : resolve()));
  });
}
