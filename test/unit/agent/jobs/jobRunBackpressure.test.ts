import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../support/waitFor';
import { JobRun } from '../../../../src/agent/jobs/jobRun';
import { spawnPipedJob } from '../../../../src/agent/jobs/spawnPipedJob';
import { startSpawnHelper, type SpawnHelper } from '../../../../src/agent/jobs/spawnHelper/startSpawnHelper';
import { SPAWN_HELPER_ARG } from '../../../../src/agent/jobs/spawnHelper/spawnHelperProtocol';
import { Deliverer } from '../../../../src/agent/spool/deliverer';
import { Spool } from '../../../../src/agent/spool/spool';
import type { Outbox, OutboxItem } from '../../../../src/agent/spool/outboxItem';
import type { SpawnJob } from '../../../../src/agent/jobs/jobProcess';
import type { Placement } from '../../../../src/agent/jobs/workingDirectory';
import { makeClaimed } from './claimedJob';

const placement: Placement = { machine: 'this-host/1234', workerName: 'gpu-7', scratchRoot: join(mkdtempSync(join(tmpdir(), 'gantry-state-')), 'scratch') };
const MAIN = join(__dirname, '../../../../src/agent/main.ts');
const helpers: SpawnHelper[] = [];

/** A small bound, so a job printing ~1 MB of metric lines overruns it many times over. */
const BOUND = 256 * 1024;
const LINES = 30_000;
const CHUNK = 64 * 1024;
/** The shortest metric line the job prints: a chunk holds at most CHUNK / this many points. */
const SHORTEST_LINE = '::metric {"step": 0, "loss": 1}\n'.length;
/** A chunk's weight in the backlog: its bytes in base64 and its metric points (64 bytes each). */
const CHUNK_WEIGHT = Math.ceil((CHUNK * 4) / 3) + Math.ceil(CHUNK / SHORTEST_LINE) * 64;

afterAll(() => {
  for (const helper of helpers.splice(0)) helper.close();
});

/** A coordinator that accepts nothing until `open()`; a Deliverer whose peak backlog is recorded on every push. */
function gatedDelivery(): { outbox: Outbox; deliverer: Deliverer; delivered: OutboxItem[]; open: () => void; peak: () => number } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const delivered: OutboxItem[] = [];
  const deliverer = new Deliverer({
    spool: Spool.open(mkdtempSync(join(tmpdir(), 'gantry-spool-'))),
    send: async (item) => {
      await gate;
      delivered.push(item);
    },
    maxBacklogBytes: BOUND,
  });
  let peak = 0;
  const outbox: Outbox = {
    push: (item) => {
      deliverer.push(item);
      peak = Math.max(peak, deliverer.backlogBytes);
    },
    congestedFor: (jobId, attempt) => deliverer.congestedFor(jobId, attempt),
    onceRelieved: (listener) => deliverer.onceRelieved(listener),
  };
  return { outbox, deliverer, delivered, open, peak: () => peak };
}

/**
 * Each spawner with what may come on top of the bound: the chunk whose push crossed it and what was
 * already read when reading stopped (one more chunk at most); through the spawn helper also what was
 * on its way over the channel (RELAY_WINDOW_BYTES, one chunk).
 */
const spawners: Array<[string, number, () => SpawnJob]> = [
  ['pipes', 2 * CHUNK_WEIGHT, () => spawnPipedJob],
  [
    'the spawn helper',
    3 * CHUNK_WEIGHT,
    () => {
      const helper = startSpawnHelper({ nodeArgs: ['--import', 'tsx', MAIN, SPAWN_HELPER_ARG] });
      helpers.push(helper);
      return helper.spawnJob;
    },
  ],
];

describe('JobRun backpressure', () => {
  it.each(spawners)('stops reading a fast-printing job while deliveries lag (%s), then delivers every line once, in order', async (_name, slack, spawner) => {
    const { outbox, deliverer, delivered, open, peak } = gatedDelivery();
    const program = `BEGIN { for (i = 0; i < ${LINES}; i++) printf "::metric {\\"step\\": %d, \\"loss\\": 1}\\n", i }`;
    const run = new JobRun(makeClaimed({ command: ['awk', program] }), { spawnJob: spawner(), outbox, apiUrl: 'http://127.0.0.1:1', killGraceMs: 10_000, placement });
    run.start();

    // The coordinator accepts nothing until the job's output is held back (or, without backpressure,
    // until the backlog ran past what backpressure allows).
    await waitFor(() => run.outputHeldBack || deliverer.backlogBytes > BOUND + slack, 'the job to be held back', 60_000);
    open();
    expect(await run.finished).toMatchObject({ outcome: 'succeeded', exit_code: 0 });
    expect(await deliverer.drain(120_000)).toBe(true);

    expect(peak()).toBeLessThanOrEqual(BOUND + slack);
    const steps = delivered.flatMap((item) => (item.kind === 'metrics' ? item.points.map((point) => point.step) : []));
    expect(steps).toEqual(Array.from({ length: LINES }, (_, step) => step));
    const logs = delivered.filter((item) => item.kind === 'log');
    expect(logs.map((item) => item.seq)).toEqual(logs.map((_, n) => n));
    const text = Buffer.concat(logs.map((item) => Buffer.from(item.data_b64, 'base64'))).toString();
    expect(text.split('\n').length - 1).toBe(LINES);
    expect(delivered[delivered.length - 1]).toMatchObject({ kind: 'finish', outcome: 'succeeded' });
  }, 180_000);
});
