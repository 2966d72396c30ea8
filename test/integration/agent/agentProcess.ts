import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../support/cluster';
import { childExit } from '../../support/stopChild';

export interface AgentProcess {
  proc: ChildProcess;
  /** Everything the agent wrote to stderr so far (its JSON log lines, or why it refused to start). */
  stderr(): string;
  exited: Promise<number | null>;
}

/**
 * The real agent entry point (src/agent/main.ts) in its own process, with its stderr kept for the test to read.
 * `ownSession`: started in a session of its own (setsid), as systemd or `setsid nohup` start it.
 */
export function spawnAgent(args: string[], env: Record<string, string | undefined>, { ownSession = false }: { ownSession?: boolean } = {}): AgentProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/agent/main.ts'), ...args], {
    cwd: ROOT,
    detached: ownSession,
    env: { GANTRY_NVIDIA_SMI: '/nonexistent/nvidia-smi', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = childExit(proc).then(({ code }) => code);
  return { proc, stderr: () => stderr, exited };
}

/** The agent's environment from this test process, without anything Gantry-related it may have set. */
export function baseEnv(): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('GANTRY_')));
}
