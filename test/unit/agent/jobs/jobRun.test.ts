import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDead } from '../../../support/isDead';
import { waitFor } from '../../../support/waitFor';
import { JobRun } from '../../../../src/agent/jobs/jobRun';
import { spawnPipedJob } from '../../../../src/agent/jobs/spawnPipedJob';
import type { OutboxItem } from '../../../../src/agent/spool/outboxItem';
import type { SpawnJob } from '../../../../src/agent/jobs/jobProcess';
import type { Placement } from '../../../../src/agent/jobs/workingDirectory';
import type { ClaimedJob } from '../../../../src/shared';
import { makeClaimed } from './claimedJob';

const placement: Placement = { machine: 'this-host/1234', workerName: 'gpu-7', scratchRoot: join(mkdtempSync(join(tmpdir(), 'gantry-state-')), 'scratch') };

function runJob(claimed: ClaimedJob, killGraceMs = 10_000, spawnJob: SpawnJob = spawnPipedJob): { run: JobRun; items: OutboxItem[] } {
  const items: OutboxItem[] = [];
  const run = new JobRun(claimed, { spawnJob, outbox: { push: (item) => items.push(item) }, apiUrl: 'http://127.0.0.1:1', killGraceMs, placement });
  run.start();
  return { run, items };
}

const existsProcess = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const logOf = (items: OutboxItem[], stream?: 'stdout' | 'stderr'): Buffer =>
  Buffer.concat(items.flatMap((i) => (i.kind === 'log' && (!stream || i.stream === stream) ? [Buffer.from(i.data_b64, 'base64')] : [])));

describe('JobRun', () => {
  it('delivers ANSI colours, \\r progress bars and invalid UTF-8 byte-identically in consecutive chunks', async () => {
    const script = String.raw`
      printf '\033[31mred\033[0m\n'
      for i in 1 2 3 4 5; do printf '\r[%-5s] %d%%' "$(printf '%*s' $i '' | tr ' ' '#')" $((i*20)); done
      printf '\n\377\376 raw\n'
      printf 'to stderr\n' >&2
      head -c 200000 /dev/zero | tr '\0' 'x'
      printf '\nend\n'`;
    const expected = Buffer.concat([
      Buffer.from('\x1b[31mred\x1b[0m\n'),
      Buffer.from('\r[#    ] 20%\r[##   ] 40%\r[###  ] 60%\r[#### ] 80%\r[#####] 100%'),
      Buffer.from([0x0a, 0xff, 0xfe]),
      Buffer.from(' raw\n'),
      Buffer.from('x'.repeat(200_000)),
      Buffer.from('\nend\n'),
    ]);
    const { run, items } = runJob(makeClaimed({ command: { shell: script } }));
    expect(await run.finished).toEqual({ outcome: 'succeeded', exit_code: 0, error: null });
    const logs = items.filter((i) => i.kind === 'log');
    expect(logs.map((i) => i.seq)).toEqual(logs.map((_, n) => n));
    expect(logOf(items, 'stdout').equals(expected)).toBe(true);
    expect(logOf(items, 'stderr').toString()).toBe('to stderr\n');
    expect(logs.every((i) => Buffer.from(i.data_b64, 'base64').length <= 64 * 1024)).toBe(true);
    expect(items[items.length - 1]).toMatchObject({ kind: 'finish', outcome: 'succeeded' });
  });

  it('turns ::metric lines into points and keeps them in the log', async () => {
    const script = `echo '::metric {"step": 10, "loss": 0.31, "acc": 0.9, "note": "x"}'; echo plain; printf '::metric {"step": 11, "loss": 0.29}'`;
    const { run, items } = runJob(makeClaimed({ command: { shell: script } }));
    await run.finished;
    const points = items.flatMap((i) => (i.kind === 'metrics' ? i.points : []));
    expect(points.map(({ step, name, value }) => ({ step, name, value }))).toEqual([
      { step: 10, name: 'loss', value: 0.31 },
      { step: 10, name: 'acc', value: 0.9 },
      { step: 11, name: 'loss', value: 0.29 },
    ]);
    expect(logOf(items).toString()).toContain('::metric {"step": 10');
    const kinds = items.map((i) => i.kind);
    expect(kinds.lastIndexOf('metrics')).toBeLessThan(kinds.indexOf('finish'));
  });

  it('hands back a job killed by a foreign signal when the agent stops right after (scancel signals both)', async () => {
    const { run, items } = runJob(makeClaimed({ command: ['sleep', '30'] }));
    const pid = await waitFor(() => run.pid, 'the job to start');
    process.kill(pid, 'SIGTERM');
    // Reaped (not just a zombie): the agent has seen the exit before its own stop comes.
    await waitFor(() => !existsProcess(pid), 'the job to be reaped');
    run.stop('agent_stopping');
    expect(await run.finished).toMatchObject({ outcome: 'failed', error: 'the worker agent stopped (killed by SIGTERM)' });
    expect(items.filter((i) => i.kind === 'finish')).toEqual([]);
  });

  it('reports a job killed by a foreign signal as failed once nothing explains it', async () => {
    const { run, items } = runJob(makeClaimed({ command: ['sleep', '30'] }));
    const pid = await waitFor(() => run.pid, 'the job to start');
    process.kill(pid, 'SIGKILL');
    expect(await run.finished).toEqual({ outcome: 'failed', exit_code: null, error: 'killed by SIGKILL' });
    expect(items.filter((i) => i.kind === 'finish')).toHaveLength(1);
  });

  it('reports a non-zero exit as failed with its exit code', async () => {
    const { run } = runJob(makeClaimed({ command: ['sh', '-c', 'exit 3'] }));
    expect(await run.finished).toEqual({ outcome: 'failed', exit_code: 3, error: 'exit code 3' });
  });

  it('reports a missing program as failed without an exit code', async () => {
    const { run } = runJob(makeClaimed({ command: ['/nonexistent/train.py'] }));
    expect(await run.finished).toMatchObject({ outcome: 'failed', exit_code: null, error: expect.stringContaining('could not start') });
  });

  it('gives the job its environment, params, cwd and argv unsplit', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gantry-cwd-'));
    const claimed = makeClaimed({
      id: 42,
      command: ['sh', '-c', 'printf "%s|" "$1" "$PWD" "$GANTRY_JOB_ID" "$GANTRY_ATTEMPT" "$GANTRY_API" "$GANTRY_TOKEN" "$CUDA_VISIBLE_DEVICES" "$GANTRY_PARAM_LR" "$GANTRY_PARAM_BATCH_SIZE" "$GANTRY_PARAMS" "$MY_VAR"', 'argv0', 'two words; $(no)'],
      cwd,
      env: { MY_VAR: 'mine' },
      params: { lr: 0.001, 'batch-size': 64 },
    }, 2);
    claimed.cuda_visible_devices = '1,3';
    const { run, items } = runJob(claimed);
    await run.finished;
    expect(logOf(items).toString().split('|')).toEqual([
      'two words; $(no)', cwd, '42', '2', 'http://127.0.0.1:1', 'job-token', '1,3', '0.001', '64', '{"lr":0.001,"batch-size":64}', 'mine', '',
    ]);
  });

  it('runs in the directory it was submitted from when submitted on this machine', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'gantry-cwd-'));
    const { run, items } = runJob(makeClaimed({ command: ['pwd'], cwd, cwd_machine: placement.machine }));
    expect(await run.finished).toMatchObject({ outcome: 'succeeded' });
    expect(logOf(items).toString()).toBe(`${cwd}\n`);
  });

  it('runs in a scratch directory of its own under the state dir when submitted from another machine', async () => {
    const { run, items } = runJob(makeClaimed({ id: 77, command: ['pwd'], cwd: '/home/someone/on/a/laptop', cwd_machine: 'laptop/abcd' }, 2));
    expect(await run.finished).toMatchObject({ outcome: 'succeeded' });
    expect(logOf(items).toString()).toBe(`${join(placement.scratchRoot, 'j77-a2')}\n`);
  });

  it('fails the attempt before spawning when its cwd does not exist here, saying so', async () => {
    let spawned = 0;
    const counting: SpawnJob = (spec) => (spawned++, spawnPipedJob(spec));
    const { run, items } = runJob(makeClaimed({ command: ['true'], cwd: '/nonexistent/project', cwd_machine: null }), 10_000, counting);
    expect(await run.finished).toEqual({ outcome: 'failed', exit_code: null, error: 'cwd /nonexistent/project does not exist on worker gpu-7' });
    expect(spawned).toBe(0);
    expect(items).toMatchObject([{ kind: 'finish', outcome: 'failed' }]);
  });

  it('kills the whole process group on timeout, a child sleep included', async () => {
    const { run, items } = runJob(makeClaimed({ command: { shell: 'sleep 300 & echo $!; wait' }, timeout_s: 1 }), 500);
    const result = await run.finished;
    expect(result).toMatchObject({ outcome: 'timed_out', error: expect.stringContaining('timed out after 1 s') });
    const sleepPid = Number(logOf(items).toString().trim());
    await waitFor(() => isDead(sleepPid), 'the child sleep to die');
  });

  it('cancels with SIGTERM, then SIGKILL for a job that ignores SIGTERM', async () => {
    const script = `trap 'echo got-term' TERM; echo ready; while :; do sleep 0.1; done`;
    const { run, items } = runJob(makeClaimed({ command: { shell: script } }), 1000);
    await waitFor(() => logOf(items).toString().includes('ready'), 'the job to start');
    run.stop('cancelled');
    expect(await run.finished).toEqual({ outcome: 'cancelled', exit_code: null, error: null });
    expect(logOf(items).toString()).toContain('got-term');
  });

  it('ends the attempt when its leader exits, killing what it left running in the background', async () => {
    const { run, items } = runJob(makeClaimed({ command: { shell: 'sleep 300 & echo $!' } }));
    expect(await run.finished).toMatchObject({ outcome: 'succeeded' });
    const sleepPid = Number(logOf(items).toString().trim());
    await waitFor(() => isDead(sleepPid), 'the leftover sleep to die');
  });
});
