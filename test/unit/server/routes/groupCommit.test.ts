import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Coordinator } from '../../../../src/core';
import { GroupCommit } from '../../../../src/server/routes/jobs/groupCommit';
import type { JobState } from '../../../../src/shared';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

const succeeded = (job_id: number) => ({ results: [{ job_id, attempt: 1, outcome: 'succeeded' as const, exit_code: 0 }] });

/** The coordinator's transaction, counting how often a group shares one. */
function counted(c: Coordinator): { coordinator: Pick<Coordinator, 'inOneTransaction'>; shared: () => number } {
  let calls = 0;
  return {
    coordinator: {
      inOneTransaction: (fn) => {
        calls++;
        return c.inOneTransaction(fn);
      },
    },
    shared: () => calls,
  };
}

/** Two workers, each running one job. */
function twoRunningJobs(): Array<{ worker: string; job: number }> {
  return ['a', 'b'].map((name) => {
    const worker = addWorker(h.c, { name, cpus: 1 });
    const job = h.c.submit({ command: ['true'] }).id;
    expect(h.c.claim(worker).map((claimed) => claimed.job.id)).toEqual([job]);
    return { worker, job };
  });
}

describe('GroupCommit: agents results arriving in one turn share one transaction', () => {
  it('commits requests handed in during one turn together: when the first result is published, the second is already stored', async () => {
    const [a, b] = twoRunningJobs();
    const { coordinator, shared } = counted(h.c);
    const groups: Array<[number, boolean]> = [];
    const group = new GroupCommit(coordinator, (count, together) => groups.push([count, together]));
    const seen: JobState[] = [];
    h.c.subscribe((event) => {
      if (event.type === 'job.succeeded' && event.job_id === a.job) seen.push(h.c.getJob(b.job).state);
    });
    const replies = await Promise.all([a, b].map(({ worker, job }) => group.run(() => h.c.finishAndClaim(worker, succeeded(job), { max: 1 }))));
    expect(replies.map((reply) => reply.results.map((r) => r.job?.state))).toEqual([['succeeded'], ['succeeded']]);
    // In two transactions the first success would be published while the second job still ran.
    expect(seen).toEqual(['succeeded']);
    expect(shared()).toBe(1);
    expect(group.stats).toEqual({ groups: 1, grouped: 2, rerun: 0 });
    expect(groups).toEqual([[2, true]]);
  });

  it('runs a lone request by itself', async () => {
    const [a] = twoRunningJobs();
    const { coordinator, shared } = counted(h.c);
    const group = new GroupCommit(coordinator);
    const reply = await group.run(() => h.c.finishAndClaim(a.worker, succeeded(a.job), { max: 1 }));
    expect(reply.results[0].job?.state).toBe('succeeded');
    expect(shared()).toBe(0);
  });

  it('fails only the request that throws: the others are applied, and nothing the failing one wrote is kept', async () => {
    const [a, b] = twoRunningJobs();
    const groups: Array<[number, boolean]> = [];
    const group = new GroupCommit(h.c, (count, together) => groups.push([count, together]));
    const outcomes = await Promise.allSettled([
      group.run(() => h.c.finishAndClaim(a.worker, succeeded(a.job), { max: 1 })),
      // A transition that writes, then refuses: alone, its own transaction would roll back.
      group.run(() =>
        h.c.inOneTransaction(() => {
          h.c.submit({ command: ['written', 'then', 'refused'] });
          throw new Error('refused');
        }),
      ),
      group.run(() => h.c.finishAndClaim(b.worker, succeeded(b.job), { max: 1 })),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toEqual(new Error('refused'));
    expect([h.c.getJob(a.job).state, h.c.getJob(b.job).state]).toEqual(['succeeded', 'succeeded']);
    expect(h.c.listJobs().jobs.map((job) => job.id).sort()).toEqual([a.job, b.job].sort());
    expect(group.stats.rerun).toBe(1);
    expect(groups).toEqual([[3, false]]);
  });
});
