import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/waitFor';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

// What the job writes: colours, carriage-return progress, bytes that are not UTF-8, on stdout and stderr.
const SCRIPT = String.raw`printf '\033[31mred\033[0m\n'; for p in 10 50 100; do printf '\r%s%%' $p; done; printf '\n\377\376 raw\n'; echo err >&2`;
const EXPECTED = Buffer.from('\x1b[31mred\x1b[0m\n\r10%\r50%\r100%\n\xff\xfe raw\nerr\n', 'latin1');

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
  await t.startWorker();
});
afterAll(async () => {
  await t?.close();
});

describe('with a worker running jobs', () => {
  it('waits for a job, then prints its log byte for byte', async () => {
    const id = stdoutText(await t.gantry(['submit', '--', 'sh', '-c', SCRIPT])).trim();
    const wait = await t.gantry(['wait', id]);
    expect(wait.code).toBe(0);
    // stderr is a pipe here, so progress comes as plain lines, never a redrawn bar.
    expect(wait.stderr).toBe(`job ${id} succeeded (exit 0) [1/1]\n`);
    const logs = await t.gantry(['logs', id]);
    expect(logs.code).toBe(0);
    expect(logs.stdout.equals(EXPECTED)).toBe(true);
  });

  it('follows a running job over the WebSocket until the attempt ends', async () => {
    // The job waits for a file, so `logs -f` starts while it is running and must see the end arrive.
    const gate = `${t.dataDir}/gate-${Date.now()}`;
    const id = stdoutText(await t.gantry(['submit', '--', 'sh', '-c', `echo before; while [ ! -e ${gate} ]; do sleep 0.05; done; printf '\\r\\033[1mafter\\033[0m\\n'`])).trim();
    const follow = t.gantry(['logs', '-f', id]);
    const { writeFile } = await import('node:fs/promises');
    // Open the gate only once the job is running, so the follower has a live log to attach to.
    await waitFor(() => t.coordinator.getJob(Number(id)).state === 'running', 'the job to start', 30_000);
    await writeFile(gate, '');
    const result = await follow;
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('before\n\r\x1b[1mafter\x1b[0m\n');
  });

  it('follows a job into its retry and stops when the job is done', async () => {
    const marker = `${t.dataDir}/retried-${Date.now()}`;
    const gate = `${marker}.gate`;
    // The first attempt waits for the gate, so the follower is attached before it fails.
    const script = `if [ -e ${marker} ]; then echo second; else touch ${marker}; echo first; while [ ! -e ${gate} ]; do sleep 0.05; done; exit 1; fi`;
    const id = stdoutText(await t.gantry(['submit', '--retries', '2', '--', 'sh', '-c', script])).trim();
    await waitFor(() => t.coordinator.getJob(Number(id)).state === 'running', 'the job to start', 30_000);
    // The server reads the log when a follower attaches; seeing that read is the cue to open the gate.
    const readLog = t.coordinator.readLog;
    let attached = false;
    t.coordinator.readLog = (jobId, attempt, offset, length) => {
      if (jobId === Number(id)) attached = true;
      return readLog(jobId, attempt, offset, length);
    };
    const follow = t.gantry(['logs', '-f', id]);
    try {
      await waitFor(() => attached, 'the follower to attach', 30_000);
    } finally {
      t.coordinator.readLog = readLog;
    }
    const { writeFile } = await import('node:fs/promises');
    await writeFile(gate, '');
    const result = await follow;
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('first\nsecond\n');
    expect(result.stderr).toContain('attempt 1 ended; following attempt 2');
  });

  it('shows the metrics a job printed as ::metric lines', async () => {
    const script = `echo '::metric {"step": 1, "loss": 0.5}'; echo '::metric {"step": 2, "loss": 0.25}'`;
    const id = stdoutText(await t.gantry(['submit', '--', 'sh', '-c', script])).trim();
    expect((await t.gantry(['wait', id])).code).toBe(0);
    const rows = JSON.parse((await t.gantry(['metrics', '--json', id])).stdout.toString()) as Array<{ step: number; name: string; value: number }>;
    expect(rows.map(({ step, name, value }) => ({ step, name, value }))).toEqual([
      { step: 1, name: 'loss', value: 0.5 },
      { step: 2, name: 'loss', value: 0.25 },
    ]);
    expect(stdoutText(await t.gantry(['metrics', '--last', id]))).toMatch(/\n\s+1\s+2\s+loss\s+0\.25\n$/);
  });

  it('exits 1 when a job fails and reports it', async () => {
    const id = stdoutText(await t.gantry(['submit', '--', 'sh', '-c', 'exit 3'])).trim();
    const wait = await t.gantry(['wait', '--json', id]);
    expect(wait.code).toBe(1);
    const report = JSON.parse(wait.stdout.toString()) as { timed_out: boolean; jobs: Array<{ state: string; exit_code: number }> };
    expect(report.timed_out).toBe(false);
    expect(report.jobs[0]).toMatchObject({ state: 'failed', exit_code: 3 });
  });

  it('exits 124 when the wait times out', async () => {
    // No worker has this tag, so the job stays queued.
    const id = stdoutText(await t.gantry(['submit', '--tag', 'nowhere', '--', 'true'])).trim();
    const wait = await t.gantry(['wait', '--timeout', '0.5', id]);
    expect(wait.code).toBe(124);
    expect(wait.stderr).toMatch(new RegExp(`timed out; still open: ${id}`));
  });

  it('says up front which jobs can never run on any worker seen, then keeps waiting', async () => {
    const sweep = stdoutText(await t.gantry(['sweep', '--gpus', '64', 'train {i}', '--param', 'i=1..3']));
    const [first, last] = /queued 3 jobs: (\d+)-(\d+)/.exec(sweep)?.slice(1).map(Number) ?? [];
    expect(last - first).toBe(2);
    const wait = await t.gantry(['wait', '--timeout', '0.5', String(first), String(first + 1), String(last)]);
    expect(wait.code).toBe(124);
    expect(wait.stderr).toContain(`jobs ${first}-${last} can never run on any worker seen: `);
    expect(wait.stderr).toContain(`(gantry why ${first})`);
    expect(wait.stderr).toContain(`timed out; still open: ${first}-${last}`);
  });

  it('lists the worker and drains it', async () => {
    const workers = JSON.parse((await t.gantry(['workers', '--json'])).stdout.toString()) as Array<{ id: string; state: string }>;
    expect(workers).toHaveLength(1);
    const drain = await t.gantry(['workers', 'drain', workers[0].id]);
    expect(drain.code).toBe(0);
    expect(t.coordinator.getWorker(workers[0].id).state).toBe('draining');
    await t.gantry(['workers', 'resume', workers[0].id]);
    expect(t.coordinator.getWorker(workers[0].id).state).toBe('online');
  });

  it('drains and resumes a worker named by its name', async () => {
    const drain = await t.gantry(['workers', 'drain', 'test-worker-1']);
    expect(drain.code, drain.stderr).toBe(0);
    expect(stdoutText(drain)).toMatch(/^worker test-worker-1 \(.+\): draining\n$/);
    expect(t.coordinator.listWorkers()[0].state).toBe('draining');
    expect((await t.gantry(['workers', 'resume', 'test-worker-1'])).code).toBe(0);
    expect(t.coordinator.listWorkers()[0].state).toBe('online');
    const unknown = await t.gantry(['workers', 'drain', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no worker has the id or name "nobody"; workers: test-worker-1');
  });

  it('refuses to start a worker that is not the coordinator\u2019s own', async () => {
    const start = await t.gantry(['workers', 'start', 'test-worker-1']);
    expect(start.code).toBe(3);
    expect(start.stderr).toContain("is not this coordinator's local worker");
  });

  it('creates, lists and revokes a read token', async () => {
    const created = JSON.parse((await t.gantry(['tokens', 'create', '--json', '--scope', 'read', '--name', 'ci'])).stdout.toString()) as {
      token: string;
      record: { id: number };
    };
    const asReader = await t.gantry(['ls', '--json'], { GANTRY_TOKEN: created.token });
    expect(asReader.code).toBe(0);
    const list = await t.gantry(['tokens']);
    expect(stdoutText(list)).toMatch(/ci\s+read/);
    expect((await t.gantry(['tokens', 'revoke', String(created.record.id)])).code).toBe(0);
    expect((await t.gantry(['ls'], { GANTRY_TOKEN: created.token })).code).toBe(3);
  });

  // Last: it takes the worker away from the tests above.
  it('stops the worker: its agent leaves at the next heartbeat and it goes offline', async () => {
    const [worker] = JSON.parse((await t.gantry(['workers', '--json'])).stdout.toString()) as Array<{ id: string }>;
    const stop = await t.gantry(['workers', 'stop', worker.id]);
    expect(stop.code).toBe(0);
    expect(stdoutText(stop)).toContain('stopping at its next heartbeat');
    await waitFor(() => t.coordinator.getWorker(worker.id).state === 'offline', 'the worker to go offline', 20_000);
  });
});
