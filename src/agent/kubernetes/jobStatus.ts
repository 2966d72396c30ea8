/** What `kubectl get job -o json` says of a Job, reduced to what an attempt needs. */
export type KubernetesJobPhase = { state: 'pending' | 'running' } | { state: 'succeeded' } | { state: 'failed'; reason: string };

interface JobCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface JobJson {
  status?: { active?: number; succeeded?: number; failed?: number; conditions?: JobCondition[] };
}

/**
 * Reads the Job's terminal conditions (Complete, Failed) rather than the pod counters: the
 * counters move before the controller has decided (a failed pod may still be retried), the
 * conditions only once it has.
 */
export function jobPhase(json: unknown): KubernetesJobPhase {
  const status = (json as JobJson).status ?? {};
  const condition = (type: string): JobCondition | undefined => status.conditions?.find((c) => c.type === type && c.status === 'True');
  if (condition('Complete')) return { state: 'succeeded' };
  const failed = condition('Failed');
  if (failed) return { state: 'failed', reason: [failed.reason, failed.message].filter(Boolean).join(': ') || 'the Job failed' };
  return (status.active ?? 0) > 0 ? { state: 'running' } : { state: 'pending' };
}

interface PodJson {
  items?: Array<{ status?: { containerStatuses?: Array<{ state?: { terminated?: { exitCode?: number } } }> } }>;
}

/** The exit code of the Job's last terminated container, from `kubectl get pods -l job-name=… -o json`; null when none is known. */
export function containerExitCode(json: unknown): number | null {
  const items = (json as PodJson).items ?? [];
  for (const pod of [...items].reverse()) {
    const code = pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;
    if (typeof code === 'number') return code;
  }
  return null;
}
