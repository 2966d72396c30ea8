import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GantryClient } from '../../src/shared';
import { stopChild } from './stopChild';

// import.meta.url, not __dirname: benchmarks load this module as ESM under tsx, where __dirname does not exist.
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface CoordinatorProcess {
  url: string;
  token: string;
  client: GantryClient;
  proc: ChildProcess;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

export async function startCoordinatorProcess(dataDir: string, port: number, leaseTtlMs = 30_000): Promise<CoordinatorProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/support/coordinatorProcess.ts'), dataDir, String(port)], {
    cwd: ROOT,
    env: { ...process.env, GANTRY_TEST_LEASE_TTL_MS: String(leaseTtlMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    proc.stdout?.on('data', (d: Buffer) => {
      buffered += d.toString();
      if (buffered.includes('\n')) resolve(buffered.split('\n')[0]);
    });
    proc.once('exit', (code) => reject(new Error(`coordinator exited with ${code} before listening`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  return { url, token, proc, client: new GantryClient({ baseUrl: url, token }), stop: async (signal = 'SIGTERM') => void (await stopChild(proc, { signal })) };
}

export function startAgentProcess(options: { url: string; token: string; name: string; spoolDir: string; maxJobs?: number; env?: Record<string, string> }): ChildProcess {
  const args = ['--import', 'tsx', join(ROOT, 'src/agent/main.ts'), '--url', options.url, '--name', options.name, '--spool-dir', options.spoolDir];
  if (options.maxJobs) args.push('--max-jobs', String(options.maxJobs));
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, GANTRY_AGENT_TOKEN: options.token, GANTRY_NVIDIA_SMI: '/nonexistent/nvidia-smi', ...options.env },
    stdio: ['ignore', 'ignore', process.env.GANTRY_TEST_VERBOSE ? 'inherit' : 'ignore'],
  });
}
