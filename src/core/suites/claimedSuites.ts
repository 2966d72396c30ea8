import type { ClaimedJob } from '../../shared';
import type { CoreContext } from '../context';
import { suiteHooks } from './suiteRows';

/** Claimed jobs of a suite carry the suite's hooks, so the agent can set it up before the first of them. */
export function withSuiteHooks(ctx: CoreContext, claimed: ClaimedJob[]): ClaimedJob[] {
  const hooks = new Map<number, ReturnType<typeof suiteHooks>>();
  for (const item of claimed) {
    const id = item.job.suite_id;
    if (id === null || id === undefined) continue;
    let suite = hooks.get(id);
    if (!suite) hooks.set(id, (suite = suiteHooks(ctx, id)));
    item.suite = suite;
  }
  return claimed;
}
