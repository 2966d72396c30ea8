import type { Job } from '../../../../shared';
import { Link } from '../../router';
import { StateBadge } from '../../components/StateBadge';

export function DependencyList({ jobs, empty }: { jobs: Job[]; empty: string }) {
  if (jobs.length === 0) return <p className="subtle small" style={{ margin: 0 }}>{empty}</p>;
  return (
    <div className="list">
      {jobs.map((dep) => (
        <div key={dep.id} className="list-item">
          <StateBadge state={dep.state} />
          <Link to={`/jobs/${dep.id}`} className="grow">
            #{dep.id} {dep.name}
          </Link>
        </div>
      ))}
    </div>
  );
}
