import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './cluster';
import { stopChild } from './stopChild';
import { killProcessesUnder, registerRunDir } from './strayProcesses';
import { waitFor } from './waitFor';

/** A throwaway OpenSSH server for one test: its own config, host key, authorized key and home dir. */
export interface TestSshd {
  host: string;
  port: number;
  /** The client key that may log in (no passphrase unless asked). */
  identityFile: string;
  /** The server's public host key line (`ssh-ed25519 AAAA…`). */
  hostKeyLine: string;
  /** HOME of sessions on this server: each test gets its own, so ~/.gantry never collides. */
  home: string;
  user: string;
  dir: string;
  /** Replaces the server's host key and restarts it on the same port (a "changed key"). */
  rotateHostKey(): Promise<void>;
  /** Cuts every SSH session of a namespaced, bridged server, as a dropped network link would. */
  dropConnections(): Promise<void>;
  /** How many SSH connections a bridged server has accepted so far. */
  readonly accepted: number;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** Passphrase for the client key. */
  passphrase?: string;
  /** Run sshd in this network namespace (it must exist): it sees only that namespace's network. */
  netns?: string;
  /** Inside a namespace: listen on this port of the namespace's own loopback instead of being bridged. */
  listenInside?: number;
  /** Another client's public key file that may log in too (a jump host's user reaching this target). */
  alsoAuthorize?: string;
  /** PATH of sessions (a host without node: a folder without it). */
  path?: string;
  /** More environment of sessions (SLURM_CONF of a test Slurm on a login node). */
  env?: Record<string, string>;
}

const SSHD = '/usr/sbin/sshd';

function keygen(file: string, passphrase = ''): void {
  // Few KDF rounds: decrypting the key runs bcrypt-pbkdf in JavaScript, and tests decrypt it often.
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '2', '-N', passphrase, '-C', 'gantry-test', '-f', file]);
}

function sshdConfig(dir: string, home: string, port: number | null, path?: string, env: Record<string, string> = {}): string {
  return [
    ...(port === null ? [] : [`Port ${port}`, 'ListenAddress 127.0.0.1']),
    `HostKey ${join(dir, 'host_ed25519')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PidFile none',
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding yes',
    'GatewayPorts no',
    'LogLevel ERROR',
    'MaxStartups 100',
    // Every session (exec and sftp) starts in the test's own home, so tests never share ~/.gantry.
    `SetEnv HOME=${home}${path ? ` PATH=${path}` : ''}${Object.entries(env).map(([k, v]) => ` ${k}=${v}`).join('')}`,
    `Subsystem sftp internal-sftp -d ${home}`,
    '',
  ].join('\n');
}

/** Whether something accepts TCP connections on 127.0.0.1:port right now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Throws (and so names itself when the wait times out) once sshd has exited. */
function assertRunning(child: ChildProcess, stderr: () => string): void {
  if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${stderr()}`);
}

/** Waits until something accepts TCP connections on the port, or the deadline passes. */
async function waitForPort(port: number, child: ChildProcess, stderr: () => string, deadlineMs = 10_000): Promise<void> {
  await waitFor(async () => {
    assertRunning(child, stderr);
    return accepts(port);
  }, `sshd to listen on ${port}`, deadlineMs);
}

/** Waits until a process inside a namespace accepts connections on its loopback port. */
async function waitForPortInNetns(netns: string, port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  await waitFor(() => {
    assertRunning(child, stderr);
    return execFileSync('ip', ['netns', 'exec', netns, 'ss', '-ltnH', `sport = :${port}`]).toString().trim() !== '';
  }, `sshd in ${netns} to listen on ${port}`, 10_000);
}

/**
 * A TCP port on 127.0.0.1 whose every connection is served by `sshd -i` run inside a network
 * namespace: the laptop reaches the host, but the host's processes see only the namespace's own
 * loopback, like a GPU box that cannot reach back to the laptop.
 */
async function bridgeIntoNetns(netns: string, configFile: string): Promise<{ server: Server; port: number; children: Set<ChildProcess>; accepted: () => number }> {
  const children = new Set<ChildProcess>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted++;
    const child = spawn('ip', ['netns', 'exec', netns, SSHD, '-i', '-e', '-f', configFile], { stdio: ['pipe', 'pipe', 'ignore'] });
    children.add(child);
    child.on('exit', () => {
      children.delete(child);
      socket.destroy();
    });
    socket.pipe(child.stdin!);
    child.stdout!.pipe(socket);
    socket.on('error', () => child.kill('SIGTERM'));
    socket.on('close', () => child.kill('SIGTERM'));
    child.stdin!.on('error', () => undefined);
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return { server, port, children, accepted: () => accepted };
}

/**
 * Starts a real sshd for the current user; `stop()` ends it, kills whatever still runs from its
 * dir (agents started over it run detached, so ending SSH does not end them) and removes its files.
 * The run's teardown does the same for an sshd whose test never reached stop().
 */
export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'gantry-sshd-'));
  registerRunDir(dir);
  const home = join(dir, 'home');
  mkdirSync(home, { mode: 0o700 });
  keygen(join(dir, 'host_ed25519'));
  const identityFile = join(dir, 'client_ed25519');
  keygen(identityFile, options.passphrase ?? '');
  writeFileSync(join(dir, 'authorized_keys'), [readFileSync(`${identityFile}.pub`, 'utf8'), options.alsoAuthorize ? readFileSync(options.alsoAuthorize, 'utf8') : ''].join(''));
  const user = execFileSync('id', ['-un']).toString().trim();
  const configFile = join(dir, 'sshd_config');

  let child: ChildProcess | null = null;
  let bridge: Awaited<ReturnType<typeof bridgeIntoNetns>> | null = null;
  let stderr = '';
  let port = 0;

  const launch = async (): Promise<void> => {
    if (options.netns && options.listenInside === undefined) {
      writeFileSync(configFile, sshdConfig(dir, home, null, options.path, options.env));
      bridge ??= await bridgeIntoNetns(options.netns, configFile);
      port = bridge.port;
      return;
    }
    port = port || options.listenInside || (await freePort());
    writeFileSync(configFile, sshdConfig(dir, home, port, options.path, options.env));
    const argv = [SSHD, '-D', '-e', '-f', configFile];
    child = options.netns ? spawn('ip', ['netns', 'exec', options.netns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] }) : spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    if (options.netns) await waitForPortInNetns(options.netns, port, child, () => stderr);
    else await waitForPort(port, child, () => stderr);
  };
  await launch();

  const sshd: TestSshd = {
    host: '127.0.0.1',
    get port() {
      return port;
    },
    identityFile,
    get hostKeyLine() {
      return readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    },
    home,
    user,
    dir,
    async rotateHostKey() {
      if (child) await stopChild(child);
      rmSync(join(dir, 'host_ed25519'));
      rmSync(join(dir, 'host_ed25519.pub'));
      keygen(join(dir, 'host_ed25519'));
      await launch();
    },
    get accepted() {
      return bridge?.accepted() ?? 0;
    },
    async dropConnections() {
      if (!bridge) throw new Error('dropConnections needs a bridged (namespaced) sshd');
      await Promise.all([...bridge.children].map((c) => stopChild(c)));
    },
    async stop() {
      if (child) await stopChild(child);
      if (bridge) {
        await Promise.all([...bridge.children].map((c) => stopChild(c)));
        await new Promise((resolve) => bridge!.server.close(resolve));
      }
      killProcessesUnder([dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return sshd;
}

/** A network namespace with only its loopback up; `remove()` deletes it. */
export function createNetns(name: string): { name: string; remove(): void } {
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  return { name, remove: () => execFileSync('ip', ['netns', 'del', name]) };
}
