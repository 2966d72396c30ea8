import { create } from 'zustand';
import type { IdleGpu, QueueEvent } from '../../../shared';
import { api } from '../api/client';

interface IdleGpusStore {
  idle: IdleGpu[];
  /** Job ids holding an idle GPU now, for the badge beside their state. */
  jobIds: ReadonlySet<number>;
  reload(): Promise<void>;
  applyEvents(events: QueueEvent[]): void;
}

/** An idle flag appears with attempt.idle_gpu and goes when the job stops or its GPU gets busy again (no event: the reload catches it). */
const AFFECTS_IDLE = new Set<QueueEvent['type']>(['attempt.idle_gpu', 'job.succeeded', 'job.failed', 'job.cancelled', 'job.requeued', 'attempt.lost', 'attempt.ended']);

export const useIdleGpus = create<IdleGpusStore>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    idle: [],
    jobIds: new Set(),
    async reload() {
      const idle = await api().call('idleGpus');
      set({ idle, jobIds: new Set(idle.map((i) => i.job_id)) });
    },
    applyEvents(events) {
      if (!events.some((e) => AFFECTS_IDLE.has(e.type)) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        get().reload().catch(() => undefined);
      }, 500);
    },
  };
});
