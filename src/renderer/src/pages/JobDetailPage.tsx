import { useCallback } from 'react';
import { useWorkers } from '../stores/workers';
import { Link } from '../router';
import { StateBadge } from '../components/StateBadge';
import { IdleGpuBadge } from '../components/IdleGpuBadge';
import { PreemptionNote } from '../components/PreemptionNote';
import { ExplainPanel } from '../components/Explanation';
import { AttemptsTimeline } from '../components/AttemptsTimeline';
import { EmptyState } from '../components/EmptyState';
import { useJobDetail } from './jobDetail/useJobDetail';
import { JobActions } from './jobDetail/JobActions';
import { CommandCard } from './jobDetail/CommandCard';
import { RequirementsCard } from './jobDetail/RequirementsCard';
import { OutputTabs } from './jobDetail/OutputTabs';
import { ArtifactsCard } from './jobDetail/ArtifactsCard';

export function JobDetailPage({ id }: { id: number }) {
  const { detail, error, metrics, reload, onOutput } = useJobDetail(id);
  const workers = useWorkers((s) => s.workers);
  const workerName = useCallback((wid: string) => workers.find((w) => w.id === wid)?.name ?? wid, [workers]);

  if (error && !detail) {
    return (
      <div className="page">
        <EmptyState title={`Job #${id} could not be loaded`}>
          <p>{error}</p>
          <Link to="/jobs">Back to jobs</Link>
        </EmptyState>
      </div>
    );
  }
  if (!detail) return <div className="page subtle">Loading job #{id}…</div>;
  const { job, attempts, upstream, downstream, explanation } = detail;

  return (
    <div className="page" data-testid="job-detail" data-state={job.state}>
      <div className="page-head">
        <Link to="/jobs" className="subtle">
          ← Jobs
        </Link>
        <h1>
          #{job.id} {job.name}
        </h1>
        <StateBadge state={job.state} />
        <IdleGpuBadge jobId={job.id} />
        {job.sweep_id != null && (
          <Link to={`/compare/${job.sweep_id}`} data-testid="compare-sweep">
            Compare sweep #{job.sweep_id}
          </Link>
        )}
        <span className="subtle">
          <PreemptionNote attempt={attempts.at(-1)} />
        </span>
        <span className="spacer" />
        <JobActions key={job.priority} job={job} onChanged={reload} />
      </div>
      {explanation && <ExplainPanel explanation={explanation} />}
      <OutputTabs jobId={job.id} attempts={attempts} metrics={metrics} onOutput={onOutput} />
      <div className="grid cols-2">
        <CommandCard job={job} workerName={workerName} />
        <RequirementsCard job={job} upstream={upstream} downstream={downstream} />
      </div>
      <ArtifactsCard jobId={job.id} state={job.state} />
      <div className="card">
        <h2>Attempts</h2>
        <AttemptsTimeline attempts={attempts} workerName={workerName} now={Date.now()} />
      </div>
    </div>
  );
}
