import { spawn } from 'node:child_process';
import { stopChild, waitForOutput } from '../lib/childProcess';
import { freePort } from '../lib/freePort';

export interface RedisServer {
  port: number;
  /** The server process, for its CPU time. */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * A throwaway redis-server on 127.0.0.1 whose data lives in `dir`, with an append-only file
 * fsynced every second: it survives a process crash losing at most a second, as Gantry's WAL with
 * synchronous=NORMAL does, so neither side is timed without the durability the other pays for.
 */
export async function startRedisServer(dir: string): Promise<RedisServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--daemonize', 'no'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('redis-server is not installed (apt-get install -y redis-server)') : error),
    );
  });
  await spawned;
  try {
    await waitForOutput(child, child.stdout, /Ready to accept connections/, 10_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  child.stdout.resume();
  child.stderr.resume();
  return { port, pid: child.pid, stop: () => stopChild(child) };
}
