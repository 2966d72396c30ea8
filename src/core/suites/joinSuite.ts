import { ConflictError, type JobSubmit } from '../../shared';
import type { CoreContext } from '../context';
import { requireSuiteRow } from './suiteRows';

/**
 * A job submitted to a suite: the suite must be open; its tags join the job's requirements (so only
 * workers that may serve the suite claim it, through the ordinary tag matching), and a job that gives
 * no priority takes the suite's (JobSubmit.priority has no default, so an explicit 0 is kept).
 * Returns the suite id; `spec` is adjusted in place.
 */
export function joinSuite(ctx: CoreContext, spec: JobSubmit, field: (name: string) => string): number | null {
  if (spec.suite === null) return null;
  const suite = requireSuiteRow(ctx, spec.suite, field('suite'));
  if (suite.state !== 'open') throw new ConflictError(`${field('suite')}: suite "${suite.name}" is closed and takes no new jobs`, field('suite'));
  const tags = JSON.parse(suite.tags) as string[];
  spec.requirements = { ...spec.requirements, tags: [...new Set([...spec.requirements.tags, ...tags])] };
  spec.priority ??= suite.priority;
  return suite.id;
}

/**
 * The job_shapes key of a job: its requirements, and its suite when it has one, so a claim can skip
 * a whole suite (a worker that failed its setup 3 times) with one check per shape. Readers of the
 * shape parse it as requirements; the extra `suite` key is taken out by queuedShapes.
 */
export function shapeKey(requirements: string, suiteId: number | null): string {
  return suiteId === null ? requirements : `${requirements.slice(0, -1)},"suite":${suiteId}}`;
}
