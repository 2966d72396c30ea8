import { useIdleGpus } from '../stores/idleGpus';
import { colorVar } from './StateBadge';

/** Shown beside a running job whose GPU has sat idle for the idle window. */
export function IdleGpuBadge({ jobId }: { jobId: number }) {
  const idle = useIdleGpus((s) => s.jobIds.has(jobId));
  if (!idle) return null;
  return (
    <span className="badge" style={colorVar('var(--warn)')} data-testid="idle-gpu-badge" title="This job holds a GPU that has stayed idle (see Statistics)">
      idle GPU
    </span>
  );
}
