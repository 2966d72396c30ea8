import type { ReactNode } from 'react';
import { describeAttempts, describeRetries, type Job } from '../../../../shared';
import { commandText, formatTime, jobRuntime } from '../../logic/format';
import { Link } from '../../router';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

/** What the job runs and how it is scheduled. */
export function CommandCard({ job, workerName }: { job: Job; workerName(id: string): string }) {
  return (
    <div className="card">
      <h2>Command</h2>
      <pre className="command mono">{commandText(job.command)}</pre>
      <dl className="kv" style={{ marginTop: 12 }}>
        <Row label="Project">{job.project}</Row>
        {job.suite && (
          <Row label="Suite">
            <Link to="/suites" data-testid="job-suite">
              {job.suite}
            </Link>
          </Row>
        )}
        <dt>Working dir</dt>
        <dd className="mono">{job.cwd ?? '(worker default)'}</dd>
        {Object.keys(job.params).length > 0 && (
          <Row label="Params">
            {Object.entries(job.params).map(([k, v]) => (
              <span key={k} className="tag mono">
                {k}={String(v)}
              </span>
            ))}
          </Row>
        )}
        {Object.keys(job.env).length > 0 && (
          <>
            <dt>Env</dt>
            <dd className="mono small">{Object.keys(job.env).join(', ')}</dd>
          </>
        )}
        <Row label="Priority">{job.priority}</Row>
        <Row label="Attempts">{describeAttempts(job)}</Row>
        <Row label="Retries">{describeRetries(job)}</Row>
        <Row label="Timeout">{job.timeout_s ? `${job.timeout_s}s` : 'none'}</Row>
        <Row label="Created">{formatTime(job.created_at)}</Row>
        <Row label="Runtime">{jobRuntime(job)}</Row>
        {job.worker_id && <Row label="Worker">{workerName(job.worker_id)}</Row>}
        {job.exit_code !== null && <Row label="Exit code">{job.exit_code}</Row>}
        {job.error && (
          <>
            <dt>Error</dt>
            <dd style={{ color: 'var(--danger)' }}>{job.error}</dd>
          </>
        )}
      </dl>
    </div>
  );
}
