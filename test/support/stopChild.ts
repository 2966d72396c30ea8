import type { ChildProcess } from 'node:child_process';

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Resolves with how the child ended; at once if it has already exited. */
export function childExit(child: ChildProcess): Promise<ChildExit> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/**
 * The one way tests stop a child process: send `signal` (SIGTERM unless told), SIGKILL it if it
 * is still there after `killAfterMs`, and resolve with how it ended, so a test can assert a
 * graceful exit (`code: 0`) without hanging on a child that ignores its signal.
 */
export async function stopChild(child: ChildProcess, options: { signal?: NodeJS.Signals; killAfterMs?: number } = {}): Promise<ChildExit> {
  const { signal = 'SIGTERM', killAfterMs = 10_000 } = options;
  const exited = childExit(child);
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill(signal);
  const escalation = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  try {
    return await exited;
  } finally {
    clearTimeout(escalation);
  }
}
