/**
 * `npm run bench -- slurm`: 1,000 no-op jobs (--jobs N scales it: N / 100) on a real single-node
 * Slurm, the tests' throwaway one, in the same run: once through Gantry's pilots (from submit to
 * the last result, pilot start-up included) and once as 1,000 plain sbatch jobs (from the first
 * sbatch to squeue showing none left). Both get the whole node: the pilots one CPU each, as many
 * as the node has CPUs, as the plain jobs get one CPU each. Figures: seconds and jobs/s of each,
 * their ratio, and where the pilots' time goes (submit to the first pilot registered, to the
 * first result, then the run itself).
 */
import type { QueueEvent } from '../src/shared';
import { startSlurmHarness } from '../test/integration/slurm/support/slurmHarness';
import { DEFAULT_JOBS } from './lib/args';
import type { FigureLog } from './lib/figures';

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** One sbatch per job, as a user without Gantry would submit them, from a shell loop on the node. */
const SBATCH_LOOP = 'i=0; while [ "$i" -lt "$1" ]; do sbatch --parsable --job-name=plain-noop -o /dev/null --wrap true >/dev/null || exit 1; i=$((i + 1)); done';

/** When each milestone of the pilots' run happened, read from the coordinator's events (no polling that would compete with it for the CPU). */
interface PilotMilestones {
  firstRegistered: number | null;
  firstResult: number | null;
  succeeded: number;
  done: Promise<number>;
}

function watchPilots(subscribe: (listener: (event: QueueEvent) => void) => () => void, count: number): PilotMilestones & { stop: () => void } {
  let finish: (at: number) => void = () => undefined;
  const milestones = {
    firstRegistered: null as number | null,
    firstResult: null as number | null,
    succeeded: 0,
    done: new Promise<number>((resolve) => (finish = resolve)),
    stop: () => undefined as unknown,
  };
  milestones.stop = subscribe((event) => {
    if (event.type === 'worker.registered') milestones.firstRegistered ??= performance.now();
    if (event.type !== 'job.succeeded') return;
    milestones.firstResult ??= performance.now();
    if (++milestones.succeeded === count) finish(performance.now());
  });
  return milestones as PilotMilestones & { stop: () => void };
}

export async function runSlurmBench(log: FigureLog, jobs: number): Promise<void> {
  const count = Math.max(10, Math.round((1000 * jobs) / DEFAULT_JOBS));
  log.record('slurm.jobs', count, 'jobs');
  const s = await startSlurmHarness({ pollMs: 500 });
  try {
    await s.service.add({ name: 'bench', login: 'login', max_pilots: s.slurm.cpus, cpus_per_pilot: 1, idle_timeout_s: 30 });
    s.service.start();
    const watch = watchPilots((listener) => s.h.coordinator.subscribe(listener), count);
    let started = performance.now();
    s.h.coordinator.submitBatch(Array.from({ length: count }, (_, i) => ({ name: `noop-${i}`, command: ['true'], requirements: { tags: ['slurm:bench'] } })));
    const ended = await Promise.race([watch.done, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out waiting for the pilots to run every job')), 30 * 60_000).unref())]);
    watch.stop();
    const pilots = (ended - started) / 1000;
    log.record('slurm.pilots_seconds', pilots, 's');
    log.record('slurm.pilots_jobs_per_s', count / pilots, 'jobs/s');
    log.record('slurm.pilots_first_registered_s', ((watch.firstRegistered ?? ended) - started) / 1000, 's');
    log.record('slurm.pilots_first_result_s', ((watch.firstResult ?? ended) - started) / 1000, 's');
    log.record('slurm.pilots_after_first_result_jobs_per_s', (count - 1) / ((ended - (watch.firstResult ?? started)) / 1000), 'jobs/s');

    // The pilots leave first, so both halves get the whole node.
    await s.slurm.command(['scancel', '--name=gantry-pilot-bench']);
    await until(async () => (await s.slurm.command(['squeue', '-h', '-o', '%i'])).trim() === '', 'the pilots to leave', 120_000, 200);
    s.service.close();

    started = performance.now();
    await s.slurm.command(['sh', '-c', SBATCH_LOOP, 'sh', String(count)]);
    await until(async () => (await s.slurm.command(['squeue', '-h', '--name=plain-noop', '-o', '%i'])).trim() === '', 'the plain sbatch jobs to end', 60 * 60_000, 200);
    const plain = (performance.now() - started) / 1000;
    log.record('slurm.sbatch_seconds', plain, 's');
    log.record('slurm.sbatch_jobs_per_s', count / plain, 'jobs/s');
    log.record('slurm.pilots_vs_sbatch', plain / pilots, 'ratio');
  } finally {
    await s.close();
  }
}
