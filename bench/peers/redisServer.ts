import { spawn } from 'node:child_process';
import { stopChild, waitForOutput } from '../lib/childProcess';
import { freePort } from '../lib/freePort';

export interface RedisServer {
  port: number;
  stop(): Promise<void>;
}

/** A throwaway redis-server on 127.0.0.1 with persistence off, as BullMQ's own benchmarks run it. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  return { port, stop: () => stopChild(child) };
}
