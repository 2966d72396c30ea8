import type { ChildProcess } from 'node:child_process';

/** Resolves with the exit code once the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(timer);
}

/** Resolves when `output` prints a line matching `pattern`; rejects if the child exits first or `timeoutMs` passes. */
export function waitForOutput(child: ChildProcess, output: NodeJS.ReadableStream, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const cleanup = (): void => {
      clearTimeout(timer);
      output.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (pattern.test(seen)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new Error(`exited with ${code} before printing ${pattern}: ${seen}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`did not print ${pattern} within ${timeoutMs} ms: ${seen}`));
    }, timeoutMs);
    output.on('data', onData);
    child.once('exit', onExit);
  });
}
