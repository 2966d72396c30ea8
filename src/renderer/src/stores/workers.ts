import { create } from 'zustand';
import type { Worker, QueueEvent } from '../../../shared';
import { api, describeError } from '../api/client';

interface WorkersStore {
  workers: Worker[];
  loaded: boolean;
  error: string | null;
  reload(): Promise<void>;
  applyEvents(events: QueueEvent[]): void;
  setState(id: string, state: 'online' | 'draining'): Promise<Worker>;
  /** Asks the worker's agent to stop: it hands its jobs back to the queue and exits. */
  stop(id: string): Promise<Worker>;
}

/** Events that change a worker's state or how many jobs it runs. */
const AFFECTS_WORKERS = new Set<QueueEvent['type']>([
  'worker.registered',
  'worker.state',
  'job.claimed',
  'job.succeeded',
  'job.failed',
  'job.cancelled',
  'job.requeued',
  'attempt.lost',
  'attempt.ended',
]);

export const useWorkers = create<WorkersStore>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return {
    workers: [],
    loaded: false,
    error: null,
    async reload() {
      try {
        set({ workers: await api().call('listWorkers'), loaded: true, error: null });
      } catch (error) {
        set({ error: describeError(error).message, loaded: true });
      }
    },
    applyEvents(events) {
      if (!events.some((e) => AFFECTS_WORKERS.has(e.type)) || timer) return;
      timer = setTimeout(() => {
        timer = null;
        void get().reload();
      }, 400);
    },
    async setState(id, state) {
      const worker = await api().call('setWorkerState', { params: { id }, body: { state } });
      set((s) => ({ workers: s.workers.map((w) => (w.id === id ? worker : w)) }));
      return worker;
    },
    async stop(id) {
      const worker = await api().call('stopWorker', { params: { id } });
      set((s) => ({ workers: s.workers.map((w) => (w.id === id ? worker : w)) }));
      return worker;
    },
  };
});
