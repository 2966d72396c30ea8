import { HOOK_LOG_LIMIT, type HookOutcome, type SuiteHook } from '../../shared';
import type { SpawnJob } from '../jobs/jobProcess';
import { jobArgv } from '../jobs/jobEnvironment';

export interface HookResult {
  outcome: HookOutcome;
  exit_code: number | null;
  error: string | null;
  started_at: number;
  finished_at: number;
  /** The end of its output (stdout and stderr interleaved), at most HOOK_LOG_LIMIT bytes. */
  log: Buffer;
}

export interface HookRunOptions {
  spawnJob: SpawnJob;
  cwd: string;
  env: Record<string, string>;
  /** Between SIGTERM and SIGKILL when the hook times out or the agent stops. */
  killGraceMs: number;
  /** Aborted when the agent stops: the hook is stopped and reported failed. */
  signal?: AbortSignal;
  now?: () => number;
}

/** Keeps the last `limit` bytes written: a setup that prints a lot keeps its end, where errors are. */
class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  write(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.size += bytes.length;
    while (this.size - this.chunks[0].length >= this.limit) this.size -= (this.chunks.shift() as Buffer).length;
  }

  bytes(): Buffer {
    const all = Buffer.concat(this.chunks);
    return all.length > this.limit ? all.subarray(all.length - this.limit) : all;
  }
}

/** Runs a suite hook as a job is run (own process group, argv or `sh -c`), with its timeout; never rejects. */
export function runHook(hook: SuiteHook, options: HookRunOptions): Promise<HookResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const output = new TailBuffer(HOOK_LOG_LIMIT);
  return new Promise((resolve) => {
    let stopped: 'timed_out' | 'agent_stopping' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (result: Omit<HookResult, 'started_at' | 'finished_at' | 'log'>): void => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ ...result, started_at: startedAt, finished_at: now(), log: output.bytes() });
    };
    let child: ReturnType<SpawnJob>;
    try {
      child = options.spawnJob({ argv: jobArgv(hook.command), cwd: options.cwd, env: { ...options.env, ...hook.env } });
    } catch (error) {
      finish({ outcome: 'failed', exit_code: null, error: `could not start the hook: ${(error as Error).message}` });
      return;
    }
    const stop = (why: 'timed_out' | 'agent_stopping'): void => {
      if (stopped) return;
      stopped = why;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), options.killGraceMs);
    };
    const onAbort = (): void => stop('agent_stopping');
    const timer = setTimeout(() => stop('timed_out'), hook.timeout_s * 1000);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    child.onData((_stream, bytes) => output.write(bytes));
    child.onExit((exit) => {
      const how = exit.error ? `could not start the hook: ${exit.error.message}` : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
      if (stopped === 'timed_out') finish({ outcome: 'timed_out', exit_code: exit.code, error: `timed out after ${hook.timeout_s} s (${how})` });
      else if (stopped === 'agent_stopping') finish({ outcome: 'failed', exit_code: exit.code, error: `the worker agent stopped (${how})` });
      else if (exit.code === 0 && !exit.error) finish({ outcome: 'succeeded', exit_code: 0, error: null });
      else finish({ outcome: 'failed', exit_code: exit.code, error: how });
    });
  });
}
