import { useMemo, useState } from 'react';
import type { SweepMetrics } from '../../../../shared';
import { nextSort, sortFinals, type FinalsSort, type FinalsSortKey } from '../../logic/compare';
import { Link } from '../../router';

function SortHeader({ label, sortKey, sort, onSort }: { label: string; sortKey: FinalsSortKey; sort: FinalsSort; onSort: (key: FinalsSortKey) => void }) {
  const active = sort.key === sortKey;
  return (
    <th aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link-button" onClick={() => onSort(sortKey)}>
        {label} {active ? (sort.descending ? '▼' : '▲') : ''}
      </button>
    </th>
  );
}

const show = (value: number | null | undefined): string => (value === null || value === undefined ? '–' : String(Number(value.toPrecision(6))));

/**
 * Each job with its params and the final value of every metric it reported (the compared one first),
 * sortable by any column; it starts sorted by the compared metric, lowest first.
 */
export function FinalsTable({ metrics }: { metrics: SweepMetrics }) {
  const [sort, setSort] = useState<FinalsSort>({ key: `metric:${metrics.name ?? ''}`, descending: false });
  const jobs = useMemo(() => sortFinals(metrics.jobs, sort), [metrics.jobs, sort]);
  const names = useMemo(() => [...(metrics.name === null ? [] : [metrics.name]), ...metrics.names.filter((n) => n !== metrics.name)], [metrics.name, metrics.names]);
  const onSort = (key: FinalsSortKey) => setSort((current) => nextSort(current, key));
  return (
    <div className="card">
      <h3>Final values</h3>
      <table className="plain" data-testid="finals-table">
        <thead>
          <tr>
            <SortHeader label="Job" sortKey="job" sort={sort} onSort={onSort} />
            {metrics.varying_params.map((name) => (
              <SortHeader key={name} label={name} sortKey={`param:${name}`} sort={sort} onSort={onSort} />
            ))}
            <th>State</th>
            <th>{metrics.x === 'step' ? 'Step' : 'Seconds'}</th>
            {names.map((name) => (
              <SortHeader key={name} label={name} sortKey={`metric:${name}`} sort={sort} onSort={onSort} />
            ))}
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.job_id} data-job-id={job.job_id}>
              <td>
                <Link to={`/jobs/${job.job_id}`}>
                  #{job.job_id} {job.name}
                </Link>
              </td>
              {metrics.varying_params.map((name) => (
                <td key={name}>{String(job.params[name] ?? '–')}</td>
              ))}
              <td>{job.state}</td>
              <td>{show(job.final?.x)}</td>
              {names.map((name) => (
                <td key={name} data-testid={name === metrics.name ? 'final-value' : undefined}>
                  {show(job.finals[name])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
