import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAgent, type Agent, type AgentLogger } from '../../../src/agent';
import { createCoordinator, type Coordinator } from '../../../src/core';
import { ensureAdminToken, startServer, type RunningServer } from '../../../src/server';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const GANTRY_BIN = join(REPO_ROOT, 'bin', 'gantry.js');
const silentLogger: AgentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs the real `gantry` executable as a child process, the way a user's shell would; `input`, if given, is its stdin. */
export function runGantry(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GANTRY_BIN, ...args], {
      cwd: REPO_ROOT,
      // A clean environment so the developer's own GANTRY_* settings cannot leak into a test.
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // No input: stdin is closed at once, as with </dev/null. A child that exits unread is not an error here.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout), stderr }));
  });
}

export interface TestCoordinator {
  coordinator: Coordinator;
  server: RunningServer;
  token: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  gantry(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  /** Starts an in-process agent so jobs actually run. */
  startWorker(options?: { tags?: string[] }): Promise<Agent>;
  close(): Promise<void>;
}

/** A real coordinator and HTTP server on loopback, in this process, with a fresh data dir. */
export async function startTestCoordinator(): Promise<TestCoordinator> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gantry-cli-it-'));
  const coordinator = createCoordinator({ dataDir });
  const { token } = ensureAdminToken(coordinator, dataDir);
  const server = await startServer({ coordinator, host: '127.0.0.1', port: 0, logger: false });
  const env = { GANTRY_URL: server.url, GANTRY_TOKEN: token };
  const agents: Agent[] = [];
  return {
    coordinator,
    server,
    token,
    dataDir,
    env,
    gantry: (args, extra = {}) => runGantry(args, { ...env, ...extra }),
    async startWorker(options = {}) {
      const agent = await startAgent({
        url: server.url,
        token,
        name: `test-worker-${agents.length + 1}`,
        spoolDir: join(dataDir, `spool-${agents.length + 1}`),
        tags: options.tags,
        logger: silentLogger,
        heartbeatMs: 500,
        claimWaitMs: 2_000,
      });
      agents.push(agent);
      return agent;
    },
    async close() {
      for (const agent of agents) await agent.stop({ graceful: false });
      await server.close();
      coordinator.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export function stdoutText(result: CliResult): string {
  return result.stdout.toString('utf8');
}
