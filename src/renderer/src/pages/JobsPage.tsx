import { useEffect, useState } from 'react';
import type { Project } from '../../../shared';
import { JOB_STATES } from '../../../shared';
import { useJobs } from '../stores/jobs';
import { api } from '../api/client';
import { JobsTable } from '../components/JobsTable';
import { BulkBar } from '../components/BulkBar';
import { EmptyState } from '../components/EmptyState';
import { colorVar, stateColor } from '../components/StateBadge';
import { navigate, useLocation } from '../router';
import { isTyping } from '../logic/keys';

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function Filters() {
  const filter = useJobs((s) => s.filter);
  const counts = useJobs((s) => s.counts);
  const setFilter = useJobs((s) => s.setFilter);
  const [text, setText] = useState(filter.text);
  const [tag, setTag] = useState(filter.tag);
  const [projects, setProjects] = useState<Project[]>([]);
  const debouncedText = useDebounced(text, 250);
  const debouncedTag = useDebounced(tag, 250);

  useEffect(() => {
    if (debouncedText !== useJobs.getState().filter.text) setFilter({ text: debouncedText });
  }, [debouncedText, setFilter]);
  useEffect(() => {
    if (debouncedTag !== useJobs.getState().filter.tag) setFilter({ tag: debouncedTag });
  }, [debouncedTag, setFilter]);
  useEffect(() => {
    // The project list is a convenience; without it the filter still takes typed names.
    api().call('listProjects').then(setProjects, () => undefined);
  }, []);

  const toggleState = (state: (typeof JOB_STATES)[number]) => {
    const states = filter.states.includes(state) ? filter.states.filter((s) => s !== state) : [...filter.states, state];
    setFilter({ states });
  };

  return (
    <>
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter by name or command   /"
          aria-label="Filter jobs by text"
          data-shortcut="filter"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLInputElement).blur()}
        />
        <input placeholder="tag" aria-label="Filter by tag" value={tag} onChange={(e) => setTag(e.target.value)} style={{ width: 120 }} />
        <select aria-label="Filter by project" value={filter.project} onChange={(e) => setFilter({ project: e.target.value })}>
          <option value="">All projects</option>
          {projects.map((p) => (
            <option key={p.id} value={p.name}>
              {p.name}
            </option>
          ))}
        </select>
      </div>
      <div className="chips" role="group" aria-label="Filter by state">
        {JOB_STATES.map((state) => (
          <button
            key={state}
            className={`chip ${filter.states.includes(state) ? 'on' : ''}`}
            style={colorVar(stateColor(state))}
            aria-pressed={filter.states.includes(state)}
            onClick={() => toggleState(state)}
          >
            {state} <span className="n">{counts ? counts[state].toLocaleString() : ''}</span>
          </button>
        ))}
        {filter.states.length > 0 && (
          <button className="chip ghost" onClick={() => setFilter({ states: [] })}>
            all states
          </button>
        )}
      </div>
    </>
  );
}

/** Reads `?state=running&project=x` once so links from the overview land on a filtered list. */
function useFilterFromAddress(): void {
  const { search } = useLocation();
  useEffect(() => {
    const params = new URLSearchParams(search);
    const states = params.getAll('state').filter((s): s is (typeof JOB_STATES)[number] => (JOB_STATES as readonly string[]).includes(s));
    const project = params.get('project') ?? '';
    const current = useJobs.getState();
    if (states.length || project) {
      current.setFilter({ states, project });
      navigate('/jobs', true);
    } else if (!current.loaded) void current.reload();
  }, [search]);
}

export function JobsPage() {
  const rows = useJobs((s) => s.rows);
  const loaded = useJobs((s) => s.loaded);
  const error = useJobs((s) => s.error);
  const counts = useJobs((s) => s.counts);
  const filter = useJobs((s) => s.filter);
  const unseenNew = useJobs((s) => s.unseenNew);
  const [focused, setFocused] = useState(-1);
  useFilterFromAddress();

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e)) return;
      const { rows: list, toggle, clearSelection } = useJobs.getState();
      if (e.key === 'j' || e.key === 'ArrowDown') setFocused((f) => Math.min(list.length - 1, f + 1));
      else if (e.key === 'k' || e.key === 'ArrowUp') setFocused((f) => Math.max(0, f - 1));
      else if (e.key === 'Enter' && list[focused]) navigate(`/jobs/${list[focused].id}`);
      else if (e.key === 'x' && list[focused]) toggle(list[focused].id, false);
      else if (e.key === 'Escape') clearSelection();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [focused]);

  const filtered = filter.states.length > 0 || filter.text || filter.tag || filter.project;
  const total = counts ? (filter.states.length ? filter.states.reduce((n, s) => n + counts[s], 0) : counts.total) : null;

  return (
    <div className="page fill">
      <div className="page-head">
        <h1>Jobs</h1>
        {total !== null && <span className="subtle">{total.toLocaleString()} matching</span>}
        <span className="spacer" />
        <span className="subtle small">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>x</kbd> select · <kbd>⏎</kbd> open · shift-click range
        </span>
        <button className="primary" onClick={() => navigate('/submit')}>
          New job
        </button>
      </div>
      <Filters />
      <BulkBar />
      {unseenNew > 0 && (
        <div className="banner">
          {unseenNew} new job{unseenNew === 1 ? '' : 's'} since this list was sorted.
          <button className="small" onClick={() => void useJobs.getState().reload()}>
            Show them
          </button>
        </div>
      )}
      {error && <div className="banner">Could not load jobs: {error}</div>}
      {loaded && rows.length === 0 ? (
        filtered ? (
          <EmptyState title="No jobs match these filters">
            <button onClick={() => useJobs.getState().setFilter({ states: [], text: '', tag: '', project: '' })}>Clear filters</button>
          </EmptyState>
        ) : (
          <EmptyState title="No jobs yet" command={"gantry submit -- python train.py --lr 1e-3\ngantry sweep 'python train.py --lr {lr} --seed {seed}' --param lr=1e-3,3e-4 --param seed=1..5"}>
            <p>Queue your first experiment from the Submit page, or from a terminal:</p>
            <button className="primary" onClick={() => navigate('/submit')}>
              Submit a job
            </button>
          </EmptyState>
        )
      ) : (
        <JobsTable focused={focused} setFocused={setFocused} />
      )}
    </div>
  );
}
