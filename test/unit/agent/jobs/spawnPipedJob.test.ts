import { describe, expect, it } from 'vitest';
import type { JobExit, LogStream } from '../../../../src/agent/jobs/jobProcess';
import { spawnPipedJob } from '../../../../src/agent/jobs/spawnPipedJob';

describe('spawnPipedJob', () => {
  it('still delivers what a job left in its paused pipes when it exits', async () => {
    // Less than a pipe's capacity, so the job can write it all and exit while nothing reads.
    const job = spawnPipedJob({ argv: ['sh', '-c', "head -c 60000 /dev/zero | tr '\\0' x; printf err >&2"], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' } });
    job.pause?.();
    const output: Record<LogStream, string> = { stdout: '', stderr: '' };
    job.onData((stream, bytes) => (output[stream] += bytes.toString()));
    const exit = await new Promise<JobExit>((resolve) => job.onExit(resolve));
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toEqual({ stdout: 'x'.repeat(60_000), stderr: 'err' });
  }, 60_000);

  it('delivers every byte on both pipes, in order, before the exit', async () => {
    // Several reads' worth on each pipe, the last bytes written just before the job exits.
    const script = "i=0; while [ $i -lt 2000 ]; do echo \"out $i\"; echo \"err $i\" >&2; i=$((i+1)); done; printf end; printf END >&2";
    const job = spawnPipedJob({ argv: ['sh', '-c', script], cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' } });
    const output: Record<LogStream, string> = { stdout: '', stderr: '' };
    let exited = false;
    job.onData((stream, bytes) => {
      expect(exited).toBe(false);
      output[stream] += bytes.toString();
    });
    const exit = await new Promise<JobExit>((resolve) => job.onExit(resolve));
    exited = true;
    const lines = (prefix: string): string => Array.from({ length: 2000 }, (_, i) => `${prefix} ${i}\n`).join('');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toEqual({ stdout: `${lines('out')}end`, stderr: `${lines('err')}END` });
  }, 60_000);
});
