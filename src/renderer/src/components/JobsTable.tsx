import { useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { JobSort } from '../../../shared';
import { useJobs } from '../stores/jobs';
import { useWorkers } from '../stores/workers';
import { navigate } from '../router';
import { commandText, formatAgo, jobRuntime } from '../logic/format';
import { StateBadge } from './StateBadge';
import { IdleGpuBadge } from './IdleGpuBadge';
import { useNow } from './useNow';
import { ExplainLine } from './Explanation';

export const ROW_HEIGHT = 38;

interface Props {
  focused: number;
  setFocused(index: number): void;
}

function SortButton({ label, sort, options }: { label: string; sort: JobSort; options: JobSort[] }) {
  const setSort = useJobs((s) => s.setSort);
  const active = options.includes(sort);
  const next = active ? options[(options.indexOf(sort) + 1) % options.length] : options[0];
  return (
    <button onClick={() => setSort(next)} title={`Sort by ${label.toLowerCase()}`}>
      {label}
      {active ? (sort === 'id' ? ' ↑' : ' ↓') : ''}
    </button>
  );
}

export function JobsTable({ focused, setFocused }: Props) {
  const rows = useJobs((s) => s.rows);
  const hasMore = useJobs((s) => s.hasMore);
  const sort = useJobs((s) => s.sort);
  const selection = useJobs((s) => s.selection);
  const explanations = useJobs((s) => s.explanations);
  const prepended = useJobs((s) => s.prepended);
  const workers = useWorkers((s) => s.workers);
  const workerNames = useMemo(() => new Map(workers.map((w) => [w.id, w.name])), [workers]);
  const { toggle, selectAll, clearSelection, setVisible, loadMore } = useJobs.getState();
  const scrollRef = useRef<HTMLDivElement>(null);

  const virtualizer = useVirtualizer({
    count: rows.length + (hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : 0;

  useEffect(() => {
    setVisible(rows.slice(first, last + 1).map((job) => job.id));
    // Ask for the next page well before the end, so fast scrolling rarely reaches the loading row.
    if (hasMore && last >= rows.length - 250) void loadMore();
  }, [first, last, rows, hasMore, setVisible, loadMore]);

  // New jobs land above what the user is reading: move the scroll by as much, so nothing jumps.
  const seenSeq = useRef(prepended.seq);
  useLayoutEffect(() => {
    if (prepended.seq === seenSeq.current) return;
    seenSeq.current = prepended.seq;
    const el = scrollRef.current;
    if (el && el.scrollTop > 0) el.scrollTop += prepended.count * ROW_HEIGHT;
  }, [prepended]);

  useEffect(() => {
    if (focused >= 0) virtualizer.scrollToIndex(focused, { align: 'auto' });
  }, [focused, virtualizer]);

  // Running rows show a growing runtime; tick only while one is loaded.
  const anyRunning = useMemo(() => rows.some((job) => job.state === 'running'), [rows]);
  const now = useNow(anyRunning ? 1000 : null);

  const allSelected = rows.length > 0 && selection.size === rows.length;
  return (
    <div className="table" role="grid" aria-rowcount={rows.length} data-testid="jobs-table">
      <div className="table-head" role="row">
        <input
          type="checkbox"
          aria-label="Select all loaded jobs"
          checked={allSelected}
          onChange={() => (allSelected ? clearSelection() : selectAll())}
        />
        <SortButton label="ID" sort={sort} options={['-id', 'id']} />
        <span>State</span>
        <span>Name</span>
        <span>Command · why not running</span>
        <span className="cell num">
          <SortButton label="Priority" sort={sort} options={['priority']} />
        </span>
        <span className="cell num">Runtime</span>
        <span>Worker · age</span>
      </div>
      <div className="table-body" ref={scrollRef}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const job = rows[item.index];
            if (!job) {
              return (
                <div key="more" className="table-row subtle" style={{ top: item.start }}>
                  <span />
                  <span>Loading more…</span>
                </div>
              );
            }
            const pending = job.state === 'queued' || job.state === 'waiting';
            const classes = ['table-row', selection.has(job.id) ? 'selected' : '', item.index === focused ? 'focused' : ''].join(' ');
            return (
              <div
                key={job.id}
                className={classes}
                style={{ top: item.start }}
                role="row"
                data-job-id={job.id}
                data-state={job.state}
                onClick={(e) => {
                  setFocused(item.index);
                  if (e.shiftKey || e.metaKey || e.ctrlKey) toggle(job.id, e.shiftKey);
                  else navigate(`/jobs/${job.id}`);
                }}
              >
                <input
                  type="checkbox"
                  aria-label={`Select job ${job.id}`}
                  checked={selection.has(job.id)}
                  onClick={(e) => {
                    e.stopPropagation();
                    toggle(job.id, e.shiftKey);
                  }}
                  onChange={() => undefined}
                />
                <span className="cell mono subtle">#{job.id}</span>
                <span className="cell">
                  <StateBadge state={job.state} />
                  <IdleGpuBadge jobId={job.id} />
                </span>
                <span className="cell" title={job.name}>
                  {job.name}
                </span>
                {pending ? (
                  <span className="cell why-cell" title={explanations[job.id]?.summary}>
                    <ExplainLine explanation={explanations[job.id]} />
                  </span>
                ) : (
                  <span className="cell mono" title={commandText(job.command)}>
                    {commandText(job.command)}
                  </span>
                )}
                <span className="cell num">{job.priority}</span>
                <span className="cell num">{jobRuntime(job, now)}</span>
                <span className="cell subtle small">{job.worker_id ? (workerNames.get(job.worker_id) ?? job.worker_id) : formatAgo(job.created_at)}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
