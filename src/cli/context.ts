import { homedir } from 'node:os';

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

export function printLine(stream: OutputStream, text: string): void {
  stream.write(`${text}\n`);
}

export function printJson(context: CliContext, value: unknown): void {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes bytes and resolves once the stream accepted them, so large logs respect backpressure. */
export function writeBytes(stream: OutputStream, data: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(data, (error) => (error ? reject(error) : resolve()));
  });
}
