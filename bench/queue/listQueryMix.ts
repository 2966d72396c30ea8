import type { JobListQuery, JobState } from '../../src/shared';
import { pick } from '../lib/random';
import { benchProjects, benchTags } from './benchJobs';

export const QUERY_KINDS = ['default', 'state', 'project', 'text', 'tag', 'deep_cursor'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

const STATES: JobState[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** What the console and `gantry ls` ask for: the first page, filtered one way, or a page deep down. */
export function listQuery(kind: QueryKind, random: () => number, deepCursors: readonly string[]): JobListQuery {
  switch (kind) {
    case 'default':
      return {};
    case 'state':
      return { state: pick(random, STATES) };
    case 'project':
      return { project: pick(random, benchProjects()) };
    case 'text':
      return { text: `seed=${Math.floor(random() * 100)}` };
    case 'tag':
      return { tag: pick(random, benchTags()) };
    case 'deep_cursor':
      return { cursor: pick(random, deepCursors) };
  }
}
