import { create } from 'zustand';
import type { Job, JobCounts, JobSort, Explanation, QueueEvent, JobState } from '../../../shared';
import { api, describeError } from '../api/client';
import { idsBetween, jobEventEffect, mergeNewest } from '../logic/jobEvents';

export interface JobsFilter {
  project: string;
  states: JobState[];
  tag: string;
  text: string;
}

export const EMPTY_FILTER: JobsFilter = { project: '', states: [], tag: '', text: '' };
export const PAGE_SIZE = 500;
const EXPLAINABLE: JobState[] = ['waiting', 'queued'];

export interface JobsStore {
  filter: JobsFilter;
  sort: JobSort;
  rows: Job[];
  cursor: string | null;
  hasMore: boolean;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  counts: JobCounts | null;
  selection: ReadonlySet<number>;
  anchor: number | null;
  explanations: Readonly<Record<number, Explanation>>;
  /** Bumped whenever rows were prepended; the table shifts its scroll by `count` rows to stay put. */
  prepended: { count: number; seq: number };
  /** New jobs that arrived while sorted by priority, where they cannot be placed without a reload. */
  unseenNew: number;

  setFilter(patch: Partial<JobsFilter>): void;
  setSort(sort: JobSort): void;
  reload(): Promise<void>;
  loadMore(): Promise<void>;
  refreshCounts(): Promise<void>;
  applyEvents(events: QueueEvent[]): void;
  /** The table reports which rows are on screen; stale rows and missing explanations are fetched for those only. */
  setVisible(ids: number[]): void;
  toggle(id: number, range: boolean): void;
  selectAll(): void;
  clearSelection(): void;
}

export function listQuery(filter: JobsFilter, sort: JobSort, cursor?: string | null, limit = PAGE_SIZE) {
  return {
    project: filter.project || undefined,
    state: filter.states.length ? filter.states : undefined,
    tag: filter.tag.trim() || undefined,
    text: filter.text.trim() || undefined,
    sort,
    limit,
    cursor: cursor ?? undefined,
  };
}

export const useJobs = create<JobsStore>((set, get) => {
  // Bookkeeping the UI never renders lives outside the state, so touching it re-renders nothing.
  let generation = 0;
  let visible: number[] = [];
  const stale = new Set<number>();
  const explainedEpoch = new Map<number, number>();
  let explainEpoch = 0;
  const inFlight = new Set<number>();
  let newestTimer: ReturnType<typeof setTimeout> | null = null;
  let countsTimer: ReturnType<typeof setTimeout> | null = null;
  let visibleTimer: ReturnType<typeof setTimeout> | null = null;

  const fail = (error: unknown) => set({ error: describeError(error).message, loading: false });

  async function fetchNewest(): Promise<void> {
    const { sort, filter, rows, hasMore } = get();
    if (sort === 'priority') return;
    if (sort === 'id') {
      if (!hasMore) await get().loadMore();
      return;
    }
    const gen = generation;
    try {
      const page = await api().call('listJobs', { query: listQuery(filter, sort) });
      if (gen !== generation) return;
      const { rows: merged, prepended } = mergeNewest(get().rows, page.jobs);
      // More new jobs than one page: the gap cannot be filled from the top, so start over.
      if (rows.length > 0 && prepended === page.jobs.length && page.next_cursor) return get().reload();
      if (prepended) set((s) => ({ rows: merged, prepended: { count: prepended, seq: s.prepended.seq + 1 } }));
    } catch (error) {
      fail(error);
    }
  }

  async function refreshStale(): Promise<void> {
    const ids = visible.filter((id) => stale.has(id) && !inFlight.has(id));
    const gen = generation;
    await Promise.all(
      ids.map(async (id) => {
        stale.delete(id);
        inFlight.add(id);
        try {
          const job = await api().call('getJob', { params: { id } });
          if (gen !== generation) return;
          set((s) => ({ rows: s.rows.map((row) => (row.id === id ? job : row)) }));
        } catch {
          // A job removed meanwhile shows its last known row; its job.removed event drops it.
        } finally {
          inFlight.delete(id);
        }
      }),
    );
  }

  async function explainVisible(): Promise<void> {
    const byId = new Map(get().rows.map((job) => [job.id, job]));
    const ids = visible.filter((id) => {
      const job = byId.get(id);
      return job && EXPLAINABLE.includes(job.state) && explainedEpoch.get(id) !== explainEpoch;
    });
    const epoch = explainEpoch;
    await Promise.all(
      ids.map(async (id) => {
        explainedEpoch.set(id, epoch);
        try {
          const explanation = await api().call('explainJob', { params: { id } });
          set((s) => ({ explanations: { ...s.explanations, [id]: explanation } }));
        } catch {
          explainedEpoch.delete(id);
        }
      }),
    );
  }

  function scheduleVisibleWork(delay: number): void {
    if (visibleTimer) return;
    visibleTimer = setTimeout(() => {
      visibleTimer = null;
      void refreshStale();
      void explainVisible();
    }, delay);
  }

  return {
    filter: EMPTY_FILTER,
    sort: '-id',
    rows: [],
    cursor: null,
    hasMore: false,
    loading: false,
    loaded: false,
    error: null,
    counts: null,
    selection: new Set(),
    anchor: null,
    explanations: {},
    prepended: { count: 0, seq: 0 },
    unseenNew: 0,

    setFilter(patch) {
      set((s) => ({ filter: { ...s.filter, ...patch } }));
      void get().reload();
    },

    setSort(sort) {
      set({ sort });
      void get().reload();
    },

    async reload() {
      const gen = ++generation;
      stale.clear();
      set({ loading: true, error: null, selection: new Set(), anchor: null, unseenNew: 0 });
      void get().refreshCounts();
      try {
        const { filter, sort } = get();
        const page = await api().call('listJobs', { query: listQuery(filter, sort) });
        if (gen !== generation) return;
        set({ rows: page.jobs, cursor: page.next_cursor, hasMore: page.next_cursor !== null, loading: false, loaded: true });
      } catch (error) {
        if (gen === generation) fail(error);
      }
    },

    async loadMore() {
      const { cursor, hasMore, loading, filter, sort } = get();
      if (!hasMore || loading || !cursor) return;
      const gen = generation;
      set({ loading: true });
      try {
        const page = await api().call('listJobs', { query: listQuery(filter, sort, cursor) });
        if (gen !== generation) return;
        const known = new Set(get().rows.map((job) => job.id));
        set((s) => ({
          rows: [...s.rows, ...page.jobs.filter((job) => !known.has(job.id))],
          cursor: page.next_cursor,
          hasMore: page.next_cursor !== null,
          loading: false,
        }));
      } catch (error) {
        if (gen === generation) fail(error);
      }
    },

    async refreshCounts() {
      const { filter } = get();
      const { project, tag, text } = listQuery(filter, '-id');
      try {
        set({ counts: await api().call('countJobs', { query: { project, tag, text } }) });
      } catch (error) {
        fail(error);
      }
    },

    applyEvents(events) {
      let sawJobEvent = false;
      let submitted = 0;
      const patches = new Map<number, Partial<Job>>();
      const removed = new Set<number>();
      for (const event of events) {
        const effect = jobEventEffect(event);
        if (effect.kind === 'none') continue;
        sawJobEvent = true;
        if (effect.kind === 'submitted') submitted++;
        else if (effect.kind === 'removed') removed.add(effect.id);
        else {
          patches.set(effect.id, { ...patches.get(effect.id), ...effect.patch });
          if (effect.refetch) stale.add(effect.id);
        }
      }
      if (!sawJobEvent) return;
      // Any transition can change why other jobs wait (jobs ahead, free resources).
      explainEpoch++;
      if (patches.size || removed.size) {
        set((s) => {
          const rows = s.rows.filter((job) => !removed.has(job.id)).map((job) => (patches.has(job.id) ? { ...job, ...patches.get(job.id) } : job));
          const selection = removed.size ? new Set([...s.selection].filter((id) => !removed.has(id))) : s.selection;
          return { rows, selection };
        });
      }
      if (submitted && get().sort === 'priority') set((s) => ({ unseenNew: s.unseenNew + submitted }));
      if (submitted && !newestTimer) {
        newestTimer = setTimeout(() => {
          newestTimer = null;
          void fetchNewest();
        }, 250);
      }
      if (!countsTimer) {
        countsTimer = setTimeout(() => {
          countsTimer = null;
          void get().refreshCounts();
        }, 500);
      }
      scheduleVisibleWork(300);
    },

    setVisible(ids) {
      visible = ids;
      scheduleVisibleWork(50);
    },

    toggle(id, range) {
      set((s) => {
        const selection = new Set(s.selection);
        if (range && s.anchor !== null) {
          const ids = idsBetween(s.rows, s.anchor, id);
          const on = !selection.has(id);
          for (const each of ids) {
            if (on) selection.add(each);
            else selection.delete(each);
          }
        } else if (selection.has(id)) selection.delete(id);
        else selection.add(id);
        return { selection, anchor: id };
      });
    },

    selectAll() {
      set((s) => ({ selection: new Set(s.rows.map((job) => job.id)) }));
    },

    clearSelection() {
      set({ selection: new Set(), anchor: null });
    },
  };
});
