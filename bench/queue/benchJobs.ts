import type { JobSubmitInput } from '../../src/shared';

/** Batches of this size keep one transaction's memory small while amortising its commit. */
export const SUBMIT_CHUNK = 5_000;

const PROJECTS = ['vision', 'nlp', 'rl', 'speech', 'tabular', 'genomics', 'robotics', 'ablations'];
const TAGS = ['a100', 'h100', 'cpu-only', 'big-mem', 'nightly', 'sweep', 'debug', 'prod'];
const LEARNING_RATES = ['1e-3', '3e-4', '1e-4', '3e-5', '1e-5'];

export const benchProjects = (): string[] => [...PROJECTS];
export const benchTags = (): string[] => [...TAGS];

/** The smallest job: what `gantry submit -- true` sends. */
export function noOpJob(i: number): JobSubmitInput {
  return { name: `noop-${i}`, command: ['true'] };
}

/**
 * A job that looks like one of a sweep: spread over projects, tagged, with a name and an argv
 * that text search can find. Seeds 0..99 make `seed=1` match about one job in nine (1, 10..19).
 */
export function sweepJob(i: number): JobSubmitInput {
  const seed = i % 100;
  const lr = LEARNING_RATES[Math.floor(i / 100) % LEARNING_RATES.length];
  return {
    project: PROJECTS[i % PROJECTS.length],
    name: `train lr=${lr} seed=${seed}`,
    command: ['python', 'train.py', '--lr', lr, '--seed', String(seed)],
    params: { lr, seed },
    priority: i % 3,
    requirements: { cpus: 1, tags: [TAGS[i % TAGS.length]] },
  };
}

/** Submits `count` jobs made by `make` in chunks; returns the elapsed milliseconds. */
export function submitInChunks(submitBatch: (specs: JobSubmitInput[]) => unknown, count: number, make: (i: number) => JobSubmitInput): number {
  const start = performance.now();
  for (let from = 0; from < count; from += SUBMIT_CHUNK) {
    const specs: JobSubmitInput[] = [];
    for (let i = from; i < Math.min(count, from + SUBMIT_CHUNK); i++) specs.push(make(i));
    submitBatch(specs);
  }
  return performance.now() - start;
}
