import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClaimedJob, QueueEvent } from '../../../../src/shared';
import type { Coordinator, EventListener } from '../../../../src/core/api';
import { claimWithLongPoll, mayYieldWork } from '../../../../src/server/routes/workers/claimWithLongPoll';

/** Just the two methods the long-poll uses; the rest of the coordinator is irrelevant here. */
function fakeCoordinator() {
  const listeners = new Set<EventListener>();
  const ready: ClaimedJob[][] = [];
  let claims = 0;
  const coordinator = {
    claim: () => {
      claims++;
      return ready.shift() ?? [];
    },
    subscribe: (listener: EventListener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as Coordinator;
  const emit = (type: QueueEvent['type'], workerId: string | null = null) => {
    for (const listener of [...listeners]) listener({ id: 1, at: 0, type, job_id: 1, worker_id: workerId, data: {} });
  };
  return { coordinator, ready, emit, listeners, claims: () => claims };
}

const claimed = { attempt: 1 } as ClaimedJob;

afterEach(() => {
  vi.useRealTimers();
});

describe('claimWithLongPoll', () => {
  it('returns at once without waiting when wait_ms is 0', async () => {
    const fake = fakeCoordinator();
    expect(await claimWithLongPoll(fake.coordinator, 'w', {}, 0, new AbortController().signal)).toEqual({ jobs: [], news: false });
    expect(fake.claims()).toBe(1);
  });

  it('claims again when a job is queued during the wait', async () => {
    const fake = fakeCoordinator();
    const pending = claimWithLongPoll(fake.coordinator, 'w', {}, 60_000, new AbortController().signal);
    expect(fake.listeners.size).toBe(1);
    fake.emit('job.claimed');
    fake.ready.push([claimed]);
    fake.emit('job.queued');
    expect(await pending).toEqual({ jobs: [claimed], news: false });
    expect(fake.listeners.size).toBe(0);
  });

  it('returns empty and unsubscribes when the signal aborts', async () => {
    const fake = fakeCoordinator();
    const closing = new AbortController();
    const pending = claimWithLongPoll(fake.coordinator, 'w', {}, 60_000, closing.signal);
    closing.abort();
    expect(await pending).toEqual({ jobs: [], news: false });
    expect(fake.listeners.size).toBe(0);
  });

  it('claims nothing once the agent hung up, though work arrived while it waited (a reply nobody would read)', async () => {
    const fake = fakeCoordinator();
    const hangup = new AbortController();
    const pending = claimWithLongPoll(fake.coordinator, 'w', {}, 60_000, hangup.signal);
    fake.ready.push([claimed]);
    hangup.abort();
    expect(await pending).toEqual({ jobs: [], news: false });
    expect(fake.claims()).toBe(1);
    expect(fake.ready).toEqual([[claimed]]);
  });

  it('gives up at the deadline: waits the whole time, claims once more, returns empty and unsubscribes', async () => {
    vi.useFakeTimers();
    const fake = fakeCoordinator();
    let settled = false;
    const pending = claimWithLongPoll(fake.coordinator, 'w', { max: 2 }, 60_000, new AbortController().signal, () => true, () => Date.now()).finally(() => (settled = true));
    expect(fake.claims()).toBe(1);
    expect(fake.listeners.size).toBe(1);
    fake.emit('job.claimed');
    await vi.advanceTimersByTimeAsync(59_999);
    expect(settled).toBe(false);
    expect(fake.claims()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toEqual({ jobs: [], news: false });
    expect(fake.claims()).toBe(2);
    expect(fake.listeners.size).toBe(0);
  });

  it("returns empty with news when a preemption is asked of this worker's jobs, and ignores one for another worker", async () => {
    const fake = fakeCoordinator();
    const pending = claimWithLongPoll(fake.coordinator, 'w', {}, 60_000, new AbortController().signal);
    fake.emit('job.preempt_requested', 'other');
    expect(fake.listeners.size).toBe(1);
    fake.emit('job.preempt_requested', 'w');
    expect(await pending).toEqual({ jobs: [], news: true });
    expect(fake.listeners.size).toBe(0);
  });

  it('wakes on new work for anyone, but on freed room only for the worker that had it', () => {
    const event = (type: QueueEvent['type'], worker_id: string | null): QueueEvent => ({ id: 1, at: 0, type, job_id: 1, worker_id, data: {} });
    expect(mayYieldWork(event('job.queued', null), 'w1')).toBe(true);
    expect(mayYieldWork(event('job.succeeded', 'w1'), 'w1')).toBe(true);
    expect(mayYieldWork(event('job.succeeded', 'w2'), 'w1')).toBe(false);
    expect(mayYieldWork(event('attempt.ended', 'w1'), 'w1')).toBe(true);
    expect(mayYieldWork(event('job.claimed', 'w1'), 'w1')).toBe(false);
  });
});
