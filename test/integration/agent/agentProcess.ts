import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { ROOT } from '../../support/cluster';
import type { CoordinatorServer } from '../../support/coordinatorServer';
import { childExit, stopChild } from '../../support/stopChild';

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

/** The coordinator and the agent a test started; each test sets them before using them, as it would a `let`. */
export interface AgentTestRun {
  server: CoordinatorServer;
  agent?: AgentProcess;
}

/**
 * Registers a hook that stops, after each test, the agent it started (killed: nothing graceful to wait
 * for) and then its coordinator, and returns the place the tests keep them.
 */
export function agentTestRun(): AgentTestRun {
  // Empty until the first test starts its coordinator; the hook runs only after a test has.
  const run = {} as AgentTestRun;
  afterEach(async () => {
    const { agent } = run;
    run.agent = undefined;
    if (agent) await stopChild(agent.proc, { signal: 'SIGKILL' });
    await run.server.close();
  });
  return run;
}
