import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinator, type Coordinator, type CoordinatorOptions } from '../../src/core';
import type { JobState, JobSubmitInput, Job, WorkerRegister } from '../../src/shared';

export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
}

export function testClock(start = 1_700_000_000_000): TestClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export function tempDir(prefix = 'gantry-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Harness {
  c: Coordinator;
  clock: TestClock;
  dataDir: string;
  reopen: (extra?: Partial<CoordinatorOptions>) => Coordinator;
  cleanup: () => void;
}

/** A coordinator on a fresh data dir with a fake clock and no background sweep. */
export function openHarness(options: Partial<CoordinatorOptions> = {}): Harness {
  const clock = testClock();
  const dataDir = tempDir();
  const make = (extra: Partial<CoordinatorOptions> = {}) => createCoordinator({ dataDir, now: clock.now, sweepIntervalMs: null, ...options, ...extra });
  const h: Harness = {
    c: make(),
    clock,
    dataDir,
    reopen: (extra) => {
      h.c.close();
      h.c = make(extra);
      return h.c;
    },
    cleanup: () => {
      try {
        h.c.close();
      } catch {
        // already closed by the test
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

const credentials = new Map<string, string>();

export function addWorker(c: Coordinator, overrides: Partial<WorkerRegister> = {}): string {
  const worker = c.registerWorker({ name: `w-${Math.random().toString(36).slice(2, 8)}`, cpus: 8, memory_mb: 32_000, ...overrides });
  if (worker.credential !== null) credentials.set(worker.id, worker.credential);
  return worker.id;
}

/** The worker credential addWorker got, for tests that register the same agent again. */
export function credentialOf(workerId: string): { credential: string } {
  const credential = credentials.get(workerId);
  if (credential === undefined) throw new Error(`no credential kept for worker ${workerId}`);
  return { credential };
}

/** Puts a new job into any state by driving it through the real transitions. */
export function makeJob(c: Coordinator, state: JobState, spec: Partial<JobSubmitInput> = {}): Job {
  const base: JobSubmitInput = { command: ['true'], ...spec };
  switch (state) {
    case 'queued':
      return c.submit(base);
    case 'waiting': {
      const dep = c.submit({ command: ['true'], name: 'dep', priority: -1000 });
      return c.submit({ ...base, depends_on: [dep.id] });
    }
    case 'blocked': {
      const dep = c.submit({ command: ['true'], name: 'dep' });
      const job = c.submit({ ...base, depends_on: [dep.id] });
      c.cancel(dep.id);
      return c.getJob(job.id);
    }
    case 'cancelled': {
      const job = c.submit(base);
      return c.cancel(job.id);
    }
    case 'running':
    case 'succeeded':
    case 'failed': {
      const job = c.submit({ ...base, priority: 1_000_000 });
      const worker = addWorker(c, { name: `maker-${job.id}` });
      const [claimed] = c.claim(worker, { max: 1 });
      if (claimed?.job.id !== job.id) throw new Error('makeJob: claim did not return the new job');
      if (state === 'running') return c.getJob(job.id);
      return c.finish(job.id, { attempt: claimed.attempt, outcome: state === 'succeeded' ? 'succeeded' : 'failed', exit_code: state === 'succeeded' ? 0 : 1 });
    }
  }
}
