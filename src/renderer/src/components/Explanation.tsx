import type { Explanation } from '../../../shared';
import { Link } from '../router';

/** Reasons that mean the job cannot run until someone changes something, not just waits. */
const STUCK = new Set(['no_online_workers', 'no_worker_with_tags', 'no_worker_large_enough', 'blocked_by']);

export function isStuck(explanation: Explanation): boolean {
  return explanation.reasons.some((r) => STUCK.has(r.code));
}

export function ExplainLine({ explanation }: { explanation: Explanation | undefined }) {
  if (!explanation) return <span className="why">…</span>;
  return (
    <span className={`why ${isStuck(explanation) ? 'warn' : ''}`} title={explanation.reasons.map((r) => r.message).join('\n')}>
      {explanation.summary}
    </span>
  );
}

/** The full explanation on a job's page, linking the jobs it waits on. */
export function ExplainPanel({ explanation }: { explanation: Explanation }) {
  return (
    <div className="card" data-testid="explain">
      <h2>Why is this job not running?</h2>
      <p style={{ margin: '0 0 8px' }}>{explanation.summary}</p>
      <ul className="reasons">
        {explanation.reasons.map((reason, i) => (
          <li key={i}>
            {reason.message}
            {reason.code === 'waiting_on_dependencies' && (
              <span>
                {' '}
                {reason.jobs.map((job) => (
                  <Link key={job.id} to={`/jobs/${job.id}`} style={{ marginRight: 6 }}>
                    #{job.id} ({job.state})
                  </Link>
                ))}
              </span>
            )}
            {reason.code === 'blocked_by' && reason.job && (
              <>
                {' '}
                <Link to={`/jobs/${reason.job.id}`}>#{reason.job.id}</Link>
              </>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
