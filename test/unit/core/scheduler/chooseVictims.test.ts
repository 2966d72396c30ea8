import { describe, expect, it } from 'vitest';
import { Requirements, type GpuDevice } from '../../../../src/shared';
import { chooseVictims, whyNoPreemption, type PreemptionWorker, type RunningAttempt } from '../../../../src/core/scheduler/chooseVictims';

const NOW = 10_000_000;
const MIN = 60_000;

function gpus(n: number): GpuDevice[] {
  return Array.from({ length: n }, (_, index) => ({ index, uuid: null, model: 'H100', memory_total_mb: 80_000, memory_free_mb: null }));
}

/** A running attempt holding whole GPUs `on`, started `minutesAgo`. */
function run(jobId: number, on: number[], priority: number, minutesAgo: number, extra: Partial<RunningAttempt> = {}): RunningAttempt {
  return {
    jobId,
    attempt: 1,
    priority,
    preemptible: true,
    startedAt: NOW - minutesAgo * MIN,
    minRuntimeS: 600,
    preempting: false,
    alloc: { cpus: 1, memory_mb: 1000, gpus: on.map((index) => ({ index, memory_mb: null })) },
    ...extra,
  };
}

function worker(id: string, gpuCount: number, running: RunningAttempt[]): PreemptionWorker {
  return { id, cpus: 16, memory_mb: 64_000, gpus: gpus(gpuCount), tags: [], gpuFree: {}, running };
}

const wants = (gpuCount: number, priority = 10) => ({ id: 99, priority, requirements: Requirements.parse({ gpus: gpuCount }) });

interface Case {
  name: string;
  job: ReturnType<typeof wants>;
  workers: PreemptionWorker[];
  expected: { worker: string; victims: number[] } | null;
}

const cases: Case[] = [
  {
    name: 'takes the victim that loses the least run time',
    job: wants(1),
    workers: [worker('a', 2, [run(1, [0], 0, 60), run(2, [1], 0, 20)])],
    expected: { worker: 'a', victims: [2] },
  },
  {
    name: 'between equal run times takes the lowest priority',
    job: wants(1),
    workers: [worker('a', 2, [run(1, [0], 5, 30), run(2, [1], 1, 30)])],
    expected: { worker: 'a', victims: [2] },
  },
  {
    name: 'between equal run times and priorities takes the newest job',
    job: wants(1),
    workers: [worker('a', 2, [run(1, [0], 0, 30), run(2, [1], 0, 30)])],
    expected: { worker: 'a', victims: [2] },
  },
  {
    name: 'never preempts a job of equal priority',
    job: wants(1, 0),
    workers: [worker('a', 1, [run(1, [0], 0, 30)])],
    expected: null,
  },
  {
    name: 'never preempts a job that is not preemptible',
    job: wants(1),
    workers: [worker('a', 1, [run(1, [0], 0, 30, { preemptible: false })])],
    expected: null,
  },
  {
    name: 'respects the minimum runtime',
    job: wants(1),
    workers: [worker('a', 1, [run(1, [0], 0, 9)])],
    expected: null,
  },
  {
    name: 'preempts nothing when stopping every candidate on one worker still leaves too little room',
    job: wants(2),
    workers: [worker('a', 2, [run(1, [0], 0, 30), run(2, [1], 50, 30)]), worker('b', 2, [run(3, [0], 0, 30), run(4, [1], 0, 30, { preemptible: false })])],
    expected: null,
  },
  {
    name: 'keeps all victims on one worker, never adding up room across workers',
    job: wants(2),
    workers: [worker('a', 1, [run(1, [0], 0, 30)]), worker('b', 1, [run(2, [0], 0, 30)])],
    expected: null,
  },
  {
    name: 'takes as many victims on one worker as the job needs',
    job: wants(2),
    workers: [worker('a', 3, [run(1, [0], 0, 30), run(2, [1], 0, 40), run(3, [2], 0, 50)])],
    expected: { worker: 'a', victims: [1, 2] },
  },
  {
    name: 'picks the worker whose victims lose the least run time',
    job: wants(1),
    workers: [worker('a', 1, [run(1, [0], 0, 90)]), worker('b', 1, [run(2, [0], 0, 15)])],
    expected: { worker: 'b', victims: [2] },
  },
  {
    name: 'spares a cheap victim that a larger one made unnecessary',
    job: wants(2),
    workers: [worker('a', 3, [run(1, [0], 0, 15), run(2, [1, 2], 0, 30)])],
    expected: { worker: 'a', victims: [2] },
  },
  {
    name: 'does not preempt twice: an attempt already stopping is no victim and its room counts',
    job: wants(2),
    workers: [worker('a', 2, [run(1, [0], 0, 30, { preempting: true }), run(2, [1], 0, 30)])],
    expected: { worker: 'a', victims: [2] },
  },
];

describe('chooseVictims', () => {
  it.each(cases)('$name', ({ job, workers, expected }) => {
    const plan = chooseVictims(job, workers, NOW);
    if (expected === null) expect(plan).toBeNull();
    else expect({ worker: plan?.workerId, victims: plan?.victims.map((v) => v.jobId).sort() }).toEqual(expected);
  });
});

describe('whyNoPreemption', () => {
  const table: Array<{ name: string; job: ReturnType<typeof wants>; workers: PreemptionWorker[]; says: string | null }> = [
    { name: 'says nothing when a plan exists', job: wants(1), workers: [worker('a', 1, [run(1, [0], 0, 60)])], says: null },
    { name: 'says nothing when nothing runs', job: wants(1), workers: [worker('a', 0, [])], says: null },
    { name: 'says nothing when no running job is preemptible (preemption is not in use)', job: wants(1), workers: [worker('a', 1, [run(1, [0], 0, 60, { preemptible: false })])], says: null },
    {
      name: 'names jobs that are not preemptible beside those that are',
      job: wants(1, 5),
      workers: [worker('a', 1, [run(1, [0], 0, 60, { preemptible: false })]), worker('b', 1, [run(2, [0], 5, 60)])],
      says: 'no preemption: #1 is not preemptible; #2 has equal priority (5); only strictly lower priority is preempted',
    },
    { name: 'names equal priority', job: wants(1, 5), workers: [worker('a', 1, [run(1, [0], 5, 60)])], says: 'no preemption: #1 has equal priority (5); only strictly lower priority is preempted' },
    { name: 'names higher priority', job: wants(1, 5), workers: [worker('a', 1, [run(1, [0], 7, 60)])], says: 'no preemption: #1 has higher priority' },
    { name: 'says when the minimum runtime is reached', job: wants(1), workers: [worker('a', 1, [run(1, [0], 0, 4)])], says: 'no preemption: #1 is within its minimum runtime (preemptible in 6 min)' },
    {
      name: 'says stopping the candidates would not make room',
      job: wants(2),
      workers: [worker('a', 2, [run(1, [0], 0, 60), run(2, [1], 0, 60, { preemptible: false })]), worker('b', 1, [run(3, [0], 0, 60)])],
      says: 'no preemption: stopping the lower-priority preemptible jobs on any one worker would still not make room for it',
    },
    {
      name: 'lists several kinds of blocker, and shortens a long list',
      job: wants(1, 5),
      workers: [worker('a', 6, [0, 1, 2, 3, 4].map((g) => run(10 + g, [g], 0, 60, { preemptible: false })).concat([run(20, [5], 5, 60)]))],
      says: 'no preemption: #10, #11, #12 and 2 more are not preemptible; #20 has equal priority (5); only strictly lower priority is preempted',
    },
  ];
  for (const c of table) it(c.name, () => expect(whyNoPreemption(c.job, c.workers, NOW)).toBe(c.says));
});
