import { describe, expect, it } from 'vitest';
import { describePreemption } from '../../../../src/shared';

const base = { outcome: null, finished_at: null, preempt_requested_at: null, preempted_by: null } as const;

describe('describePreemption', () => {
  const table = [
    { name: 'a preempted attempt names the job it made room for', attempt: { ...base, outcome: 'preempted', finished_at: 2, preempt_requested_at: 1, preempted_by: 40 }, says: { text: 'preempted by #40', by: 40 } },
    { name: 'an admin preemption says so', attempt: { ...base, outcome: 'preempted', finished_at: 2, preempt_requested_at: 1 }, says: { text: 'preempted by an admin', by: null } },
    { name: 'a running attempt told to stop is being preempted', attempt: { ...base, preempt_requested_at: 1, preempted_by: 40 }, says: { text: 'being preempted for #40', by: 40 } },
    { name: 'an attempt lost while being preempted was not preempted', attempt: { ...base, outcome: 'lost', finished_at: 2, preempt_requested_at: 1, preempted_by: 40 }, says: null },
    { name: 'a plain attempt says nothing', attempt: { ...base, outcome: 'failed', finished_at: 2 }, says: null },
  ] as const;
  for (const c of table) it(c.name, () => expect(describePreemption(c.attempt)).toEqual(c.says));
});
