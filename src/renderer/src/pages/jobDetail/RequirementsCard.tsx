import type { Job } from '../../../../shared';
import { formatMb, resourcesText } from '../../logic/format';
import { DependencyList } from './DependencyList';

/** What the job needs from a worker, and the jobs it waits on and that wait on it. */
export function RequirementsCard({ job, upstream, downstream }: { job: Job; upstream: Job[]; downstream: Job[] }) {
  const req = job.requirements;
  return (
    <div className="card">
      <h2>Requirements</h2>
      <dl className="kv">
        <dt>Resources</dt>
        <dd>{resourcesText(req)}</dd>
        {req.gpu_memory_mb !== null && (
          <>
            <dt>GPU memory</dt>
            <dd>{formatMb(req.gpu_memory_mb)} per GPU (may share)</dd>
          </>
        )}
        {req.gpu_models.length > 0 && (
          <>
            <dt>GPU models</dt>
            <dd>{req.gpu_models.join(', ')}</dd>
          </>
        )}
        <dt>Tags</dt>
        <dd>{req.tags.length ? req.tags.map((t) => <span key={t} className="tag">{t}</span>) : <span className="subtle">any worker</span>}</dd>
      </dl>
      <h3 style={{ marginTop: 16 }}>Depends on</h3>
      <DependencyList jobs={upstream} empty="No dependencies." />
      <h3 style={{ marginTop: 12 }}>Needed by</h3>
      <DependencyList jobs={downstream} empty="No job depends on this one." />
    </div>
  );
}
