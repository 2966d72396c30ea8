import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliBundleIsFresh } from '../../bin/cliBundle.js';
import { GantryClient } from '../../src/shared';
import { exited, stopChild } from '../lib/childProcess';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AGENT_BUNDLE = join(ROOT, 'out', 'agent', 'gantry-agent.js');

export interface GantryCluster {
  url: string;
  /** Admin: submits and counts. */
  admin: GantryClient;
  /** Worker scope, as the agents hold. */
  workerToken: string;
  serverPid: number;
  agentPids: number[];
  stop(): Promise<void>;
}

/** Builds the agent bundle so the benchmark runs the agent as it ships. */
export async function buildAgent(): Promise<void> {
  await runBuildScript('build-agent.mjs');
}

async function runBuildScript(script: string): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', script)], { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await exited(child);
  if (code !== 0) throw new Error(`scripts/${script} exited with ${code}`);
}

/**
 * Builds the CLI's bundle when a source is newer than it, so this checkout's `gantry serve` runs as
 * `npm install` ships it. bin/gantry.js otherwise runs the sources through tsx, which held the e2e
 * server ~25 MB more at 10,000 jobs (212–225 MB from source, 192 from the bundle, the same code).
 */
async function ensureCliBundle(): Promise<void> {
  if (!cliBundleIsFresh(ROOT)) await runBuildScript('build-cli.mjs');
}

/** Which builds run, to compare them in one run (default: this checkout's agent bundle and `bin/gantry.js`). */
export interface ClusterBuilds {
  agentBundle?: string;
  /** A `bin/gantry.js` of another checkout, to run its server. */
  serverEntry?: string;
  /** Node options for the server alone, e.g. `--cpu-prof`. */
  serverNodeArgs?: string[];
  /** More flags for every agent, e.g. `--nice 0` or `--spawn-helper`, to compare agent settings in one run. */
  agentArgs?: string[];
  /**
   * `own` (the default): each agent is a session of its own (setsid), as production starts it (systemd,
   * or `setsid nohup` over SSH: src/provision/bootstrap/agentControl.ts). `bench`: the agents stay in the
   * bench's session with the server, which Linux's autogroup weighs as one (bench/README, e2e).
   */
  agentSession?: 'own' | 'bench';
  /**
   * `own` (the default): the server is a session of its own, as a service or a terminal's `gantry serve` is;
   * `bench`: it shares the bench's session, with the submitter and the claim probes.
   */
  serverSession?: 'own' | 'bench';
  /** Called once the cluster is up, before the warm-up (bench/claimPriority.ts reprioritizes processes there). */
  afterStart?: (cluster: GantryCluster) => void;
}

/**
 * `gantry serve --no-local-worker` and `agents` agent processes, each running `slotsPerAgent`
 * jobs at once, all on loopback. Resolves once every agent is online.
 */
export async function startGantryCluster(dataDir: string, agents: number, slotsPerAgent: number, builds: ClusterBuilds = {}): Promise<GantryCluster> {
  const { agentBundle = AGENT_BUNDLE, serverEntry = join(ROOT, 'bin', 'gantry.js'), serverNodeArgs = [], agentArgs = [], agentSession = 'own', serverSession = 'own' } = builds;
  const children: ChildProcess[] = [];
  const unguard = killChildrenWithBench(children);
  const stop = async (): Promise<void> => {
    // Agents first, so none is left long-polling a server that is gone.
    await Promise.all(children.slice(1).map((child) => stopChild(child)));
    if (children[0]) await stopChild(children[0]);
    unguard();
  };
  try {
    if (builds.serverEntry === undefined) await ensureCliBundle();
    const server = spawn(process.execPath, [...serverNodeArgs, serverEntry, 'serve', '--data-dir', dataDir, '--port', '0', '--no-local-worker'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: serverSession === 'own',
    });
    children.push(server);
    const url = await waitForServerUrl(server, dataDir);
    const admin = new GantryClient({ baseUrl: url, token: readFileSync(join(dataDir, 'admin-token'), 'utf8').trim() });
    const { token: workerToken } = await admin.call('createToken', { body: { name: 'bench-agents', scope: 'worker' } });
    const tokenFile = join(dataDir, 'bench-worker-token');
    writeFileSync(tokenFile, workerToken, { mode: 0o600 });
    for (let i = 0; i < agents; i++) {
      const args = [agentBundle, '--url', url, '--token-file', tokenFile, '--name', `bench-agent-${i}`, '--max-jobs', String(slotsPerAgent), '--spool-dir', join(dataDir, `spool-${i}`), ...agentArgs];
      // The agent logs a JSON line per job on stderr; only a crash matters here, and its exit code says so.
      children.push(spawn(process.execPath, args, { stdio: 'ignore', detached: agentSession === 'own' }));
    }
    await waitForAgents(admin, children.slice(1), agents);
    const pids = children.map((child) => child.pid ?? 0);
    return { url, admin, workerToken, serverPid: pids[0], agentPids: pids.slice(1), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Children in a session of their own are not in the terminal's process group, so a Ctrl-C (or the
 * bench exiting on an error) would leave them running: kill them with the bench. Returns the undo.
 */
function killChildrenWithBench(children: ChildProcess[]): () => void {
  const killAll = (): void => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killAll();
    process.kill(process.pid, signal);
  };
  process.once('exit', killAll);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.off('exit', killAll);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

async function waitForServerUrl(server: ChildProcess, dataDir: string): Promise<string> {
  const file = join(dataDir, 'server.json');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`gantry serve exited with ${server.exitCode}`);
    if (Date.now() > deadline) throw new Error(`gantry serve wrote no ${file} within 60 s`);
    const url = readServerUrl(file);
    if (url) return url;
    await sleep(50);
  }
}

/** The URL once the file is there and whole: it may exist a moment before its content is written. */
function readServerUrl(file: string): string | null {
  if (!existsSync(file)) return null;
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { url: string }).url;
  } catch {
    return null;
  }
}

async function waitForAgents(admin: GantryClient, agents: ChildProcess[], count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const dead = agents.find((a) => a.exitCode !== null);
    if (dead) throw new Error(`an agent exited with ${dead.exitCode} while starting`);
    const online = (await admin.call('listWorkers')).filter((w) => w.state === 'online' && w.name.startsWith('bench-agent-'));
    if (online.length >= count) return;
    if (Date.now() > deadline) throw new Error(`${online.length} of ${count} agents came online within 60 s`);
    await sleep(100);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
