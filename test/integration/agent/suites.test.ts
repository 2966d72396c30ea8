import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent, type AgentOptions } from '../../../src/agent';
import { parseCpuList } from '../../../src/agent/pinning/cpuList';
import { uploadDataset } from '../../../src/cli/artifacts/uploadDataset';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { waitFor } from '../../support/waitFor';

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: CoordinatorServer | undefined;
const agents: Agent[] = [];
const dirs: string[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop({ graceful: false })));
  await server?.close();
  server = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-suites-'));
  dirs.push(dir);
  return dir;
}

async function agent(s: CoordinatorServer, name: string, options: Partial<AgentOptions> = {}): Promise<Agent> {
  const a = await startAgent({
    url: s.url, token: s.workerToken, name, maxJobs: 2, spoolDir: tempDir(), nvidiaSmi: '/nonexistent/nvidia-smi',
    heartbeatMs: 100, claimWaitMs: 200, killGraceMs: 500, logger: silentLogger, ...options,
  });
  agents.push(a);
  return a;
}

/**
 * Resolves once the agent has acted on a heartbeat reply sent after this call: a beat recorded later,
 * then the one after it (a beat goes out only once the previous reply was acted on).
 */
async function heardByAgent(c: CoordinatorServer['coordinator'], workerId: string): Promise<void> {
  let seen = Date.now();
  for (const beat of ['a heartbeat after the change', 'the heartbeat after that']) {
    await waitFor(() => c.getWorker(workerId).last_seen_at > seen, beat, 30_000);
    seen = c.getWorker(workerId).last_seen_at;
  }
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);

describe('suites on real agents', () => {
  it('runs setup once per worker before its first job and cleanup after its last, across two agents', { timeout: 150_000 }, async () => {
    server = await startCoordinatorServer();
    const record = join(tempDir(), 'record');
    const env = { RECORD: record, GO: join(tempDir(), 'go') };
    const suite = server.coordinator.suites.create({
      name: 'evals',
      setup: { command: { shell: 'echo "setting up in $GANTRY_SUITE_DIR"; echo "setup $GANTRY_SUITE_DIR $GANTRY_SUITE_ID" >> "$RECORD"; echo ready > "$GANTRY_SUITE_DIR/env"' }, env },
      cleanup: { command: { shell: 'echo "cleanup $GANTRY_SUITE_DIR" >> "$RECORD"' }, env },
    });
    const jobs = Array.from({ length: 8 }, (_, i) =>
      server!.coordinator.submit({ command: { shell: `while [ ! -e "$GO" ]; do sleep 0.05; done; test "$(cat "$GANTRY_SUITE_DIR/env")" = ready && echo "job $GANTRY_SUITE_DIR ${i}" >> "$RECORD"` }, env, suite: 'evals' }));
    await agent(server, 'one');
    await agent(server, 'two');
    const c = server.coordinator;
    // Both agents hold jobs (two each) before any ends, so each must set the suite up.
    await waitFor(() => c.suites.get('evals').counts.running === 4, 'both agents to run jobs of the suite', 60_000);
    writeFileSync(env.GO, '');
    await waitFor(() => jobs.every((j) => c.getJob(j.id).state === 'succeeded'), 'every job of the suite to succeed', 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(jobs.map((j) => [c.getJob(j.id).state, c.getJob(j.id).error]))} ${JSON.stringify(c.suites.hookRuns('evals'))}`);
    });
    expect(c.suites.get('evals').counts).toMatchObject({ total: 8, succeeded: 8, running: 0, queued: 0 });

    c.suites.close('evals');
    const setUpDirs = [...new Set(lines(record).filter((l) => l.startsWith('setup ')).map((l) => l.split(' ')[1]))];
    expect(setUpDirs).toHaveLength(2);
    await waitFor(() => lines(record).filter((l) => l.startsWith('cleanup ')).length === setUpDirs.length, 'each worker to clean up', 60_000);

    const log = lines(record);
    for (const dir of setUpDirs) {
      const mine = log.filter((l) => l.split(' ')[1] === dir);
      expect(mine.filter((l) => l.startsWith('setup '))).toEqual([`setup ${dir} ${suite.id}`]);
      expect(mine[0].startsWith('setup ')).toBe(true);
      expect(mine[mine.length - 1]).toBe(`cleanup ${dir}`);
      expect(mine.filter((l) => l.startsWith('job ')).length).toBeGreaterThan(0);
    }
    // Every job ran in a set-up suite dir; the jobs split however the claims fell.
    expect(log.filter((l) => l.startsWith('job ')).length).toBe(8);
    const runs = c.suites.hookRuns('evals');
    expect(runs.filter((r) => r.hook === 'setup').map((r) => r.outcome)).toEqual(setUpDirs.map(() => 'succeeded'));
    const setupRun = runs.find((r) => r.hook === 'setup');
    expect(c.suites.hookLog('evals', setupRun!.id).toString()).toMatch(/^setting up in \//);
    await waitFor(() => c.suites.get('evals').workers.every((w) => w.state === 'cleaned'), 'the coordinator to hear of each cleanup');
    await waitFor(() => c.suites.hookRuns('evals').filter((r) => r.hook === 'cleanup' && r.outcome === 'succeeded').length === setUpDirs.length, 'a cleanup run per worker');
  });

  // Above the wait's own 60 s, so a wait that runs out names what it waited for.
  it('times a setup out, hands its job back without spending it, and stops serving the suite after 3 failures', { timeout: 90_000 }, async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    c.suites.create({ name: 'slow', setup: { command: { shell: 'echo starting; sleep 30' }, timeout_s: 1 } });
    const job = c.submit({ command: ['true'], suite: 'slow', max_attempts: 1, max_lost_attempts: 10 });
    await agent(server, 'solo');
    await waitFor(() => c.suites.get('slow').workers[0]?.state === 'banned', 'the worker to stop serving the suite', 60_000);
    const runs = c.suites.hookRuns('slow');
    expect(runs.map((r) => [r.hook, r.outcome])).toEqual([['setup', 'timed_out'], ['setup', 'timed_out'], ['setup', 'timed_out']]);
    expect(runs[0].error).toMatch(/timed out after 1 s/);
    expect(c.suites.hookLog('slow', runs[0].id).toString()).toBe('starting\n');
    expect(c.suites.get('slow').workers[0]).toMatchObject({ setup_failures: 3 });
    await waitFor(() => c.getJob(job.id).state === 'queued', 'the job to be back in the queue');
    expect(c.getJob(job.id)).toMatchObject({ counted_attempts: 0, lost_attempts: 3 });
  });
});

describe('suite inputs', () => {
  it("stages the suite's inputs from the coordinator into its directory before the setup, for its jobs to use", { timeout: 120_000 }, async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    const admin = { baseUrl: server.url, token: c.createToken({ name: 'admin', scope: 'admin' }).token };
    const scratch = tempDir();
    mkdirSync(join(scratch, 'tree/corpus'), { recursive: true });
    writeFileSync(join(scratch, 'tree/corpus/a.txt'), 'alpha ');
    execFileSync('tar', ['czf', join(scratch, 'corpus.tar.gz'), '-C', join(scratch, 'tree'), 'corpus']);
    writeFileSync(join(scratch, 'notes.txt'), 'read me');
    await uploadDataset(admin, { path: join(scratch, 'corpus.tar.gz'), name: 'corpus', fileName: 'corpus.tar.gz' });
    await uploadDataset(admin, { path: join(scratch, 'notes.txt'), name: 'notes', fileName: 'notes.txt' });
    const suite = c.suites.create({
      name: 'staged',
      inputs: ['dataset:corpus', 'dataset:notes'],
      setup: { command: { shell: 'cat "$GANTRY_SUITE_DIR/corpus/a.txt" "$GANTRY_SUITE_DIR/notes.txt" > "$GANTRY_SUITE_DIR/ready"' } },
    });
    expect(suite.inputs?.map((input) => [input.source, input.archive])).toEqual([['dataset:corpus', 'tar'], ['dataset:notes', null]]);
    // Pinned at create: the suite keeps its bytes though the dataset goes.
    c.artifacts.deleteDataset('notes');
    const job = c.submit({ command: { shell: 'cat "$GANTRY_SUITE_DIR/ready"' }, suite: 'staged' });
    await agent(server, 'stager');
    await waitFor(() => c.getJob(job.id).state === 'succeeded', 'the job of the suite to succeed', 60_000).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(c.getJob(job.id))} ${JSON.stringify(c.suites.hookRuns('staged'))}`);
    });
    expect(c.readLog(job.id, 1).data.toString()).toBe('alpha read me');
    const [setup] = c.suites.hookRuns('staged');
    expect(setup).toMatchObject({ hook: 'setup', outcome: 'succeeded' });
    expect(c.suites.hookLog('staged', setup.id).toString()).toMatch(/^gantry: staged dataset:corpus → extracted corpus\.tar\.gz.*\ngantry: staged dataset:notes → notes\.txt \(downloaded into the worker's cache\)\n$/);
  });
});

describe('prefetch', () => {
  it('buffers claimed jobs beyond the free slots and hands them back on stop without spending attempts', async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    const jobs = [1, 2, 3].map(() => c.submit({ command: ['sleep', '60'], max_attempts: 1 }));
    const a = await agent(server, 'prefetcher', { maxJobs: 1, prefetch: 2, cpus: 8 });
    await waitFor(() => jobs.every((j) => c.getJob(j.id).state === 'running'), 'the agent to hold all three jobs', 30_000);
    await waitFor(() => c.listAttempts(jobs[0].id).length === 1, 'the first job to run');
    await a.stop({ graceful: true });
    agents.splice(agents.indexOf(a), 1);
    for (const job of jobs) expect(c.getJob(job.id)).toMatchObject({ state: 'queued', counted_attempts: 0 });
  });

  it('starts a buffered job when a slot frees', async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    const go = join(tempDir(), 'go');
    const first = c.submit({ command: { shell: `while [ ! -e "${go}" ]; do sleep 0.05; done` } });
    const second = c.submit({ command: ['true'] });
    await agent(server, 'prefetcher', { maxJobs: 1, prefetch: 1 });
    await waitFor(() => c.getJob(second.id).state === 'running', 'the second job to be claimed into the buffer', 30_000);
    expect(c.getJob(first.id).state).toBe('running');
    writeFileSync(go, '');
    await waitFor(() => c.getJob(second.id).state === 'succeeded', 'the buffered job to run once the slot freed', 30_000);
  });
});

describe('cancelling a job the agent holds but has not started', () => {
  it('drops a buffered job when its cancel arrives: it never runs and its attempt closes as cancelled at once', async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    const go = join(tempDir(), 'go');
    const ran = join(tempDir(), 'ran');
    const first = c.submit({ command: { shell: `while [ ! -e "${go}" ]; do sleep 0.05; done` } });
    const buffered = c.submit({ command: ['touch', ran], max_attempts: 3 });
    await agent(server, 'prefetcher', { maxJobs: 1, prefetch: 1 });
    await waitFor(() => c.getJob(buffered.id).state === 'running', 'the second job to be claimed into the buffer', 30_000);
    c.cancel(buffered.id);
    // Closed while the only slot is still busy: the agent dropped it rather than waiting to start it.
    await waitFor(() => c.listAttempts(buffered.id)[0]?.outcome === 'cancelled', 'the buffered attempt to close as cancelled', 30_000);
    expect(c.getJob(first.id).state).toBe('running');
    writeFileSync(go, '');
    // A job after it runs once the slot frees; the dropped one would have run before it.
    const after = c.submit({ command: ['true'] });
    await waitFor(() => c.getJob(after.id).state === 'succeeded', 'the next job to run in the freed slot', 30_000);
    expect(existsSync(ran)).toBe(false);
    expect(c.getJob(buffered.id)).toMatchObject({ state: 'cancelled', attempt: 1 });
    expect(c.listAttempts(buffered.id)).toHaveLength(1);
  });

  it("does not start a job cancelled while its suite's setup runs", async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    const go = join(tempDir(), 'go');
    const ran = join(tempDir(), 'ran');
    c.suites.create({ name: 'slow', setup: { command: { shell: `while [ ! -e "${go}" ]; do sleep 0.05; done` } } });
    const job = c.submit({ command: ['touch', ran], suite: 'slow' });
    const a = await agent(server, 'setter');
    await waitFor(() => c.getJob(job.id).state === 'running', 'the job to be claimed', 30_000);
    c.cancel(job.id);
    await heardByAgent(c, a.workerId);
    writeFileSync(go, '');
    await waitFor(() => c.listAttempts(job.id)[0]?.outcome === 'cancelled', 'the waiting attempt to close as cancelled', 30_000).catch((e: unknown) => {
      throw new Error(`${String(e)} ${JSON.stringify(c.listAttempts(job.id))} ${JSON.stringify(c.getJob(job.id))} ${JSON.stringify(c.suites.hookRuns('slow'))}`);
    });
    await waitFor(() => c.suites.hookRuns('slow').some((r) => r.hook === 'setup' && r.outcome === 'succeeded'), 'the setup to be reported', 30_000);
    // The setup was reported before the attempt could have started; a job after it shows the slot is free again.
    const after = c.submit({ command: ['true'], suite: 'slow' });
    await waitFor(() => c.getJob(after.id).state === 'succeeded', 'the next job of the suite to run', 30_000);
    expect(existsSync(ran)).toBe(false);
    expect(c.getJob(job.id).state).toBe('cancelled');
  });
});

describe('--pin-cpus', () => {
  it('gives jobs running at once disjoint affinity masks, as /proc/self/status shows', async () => {
    server = await startCoordinatorServer();
    const c = server.coordinator;
    const go = join(tempDir(), 'go');
    const script = `grep Cpus_allowed_list /proc/self/status; echo "cpus=$GANTRY_CPUS"; while [ ! -e "${go}" ]; do sleep 0.05; done`;
    const jobs = [1, 2].map(() => c.submit({ command: { shell: script }, requirements: { cpus: 1 } }));
    await agent(server, 'pinned', { maxJobs: 2, cpus: 2, pinCpus: true });
    const read = (id: number): string => c.readLog(id, 1).data.toString();
    await waitFor(() => jobs.every((j) => c.getJob(j.id).state === 'running' && /cpus=/.test(read(j.id))), 'both jobs to print their masks', 30_000);
    const masks = jobs.map((j) => {
      const text = read(j.id);
      const allowed = parseCpuList(/Cpus_allowed_list:\s*(\S+)/.exec(text)![1]);
      expect(text).toContain(`cpus=${allowed.join(',')}`);
      return allowed;
    });
    expect(masks[0].length).toBeGreaterThan(0);
    expect(masks[0].filter((core) => masks[1].includes(core))).toEqual([]);
    writeFileSync(go, '');
    await waitFor(() => jobs.every((j) => c.getJob(j.id).state === 'succeeded'), 'the pinned jobs to end');
  });
});
