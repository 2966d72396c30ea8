import { ValidationError, type KubernetesClusterSpec } from '../../shared';
import { runRunai } from './runaiCli';

/** The runai CLI must be installed, logged in, and able to list the project's workloads; the error names the field. */
export async function checkRunaiAccess(cluster: Pick<KubernetesClusterSpec, 'runai_project'>, runai?: string): Promise<void> {
  const project = cluster.runai_project;
  if (project === null) throw new ValidationError('runai_project: the Run:ai backend submits into a Run:ai project', 'runai_project');
  const listed = await runRunai({ project, runai }, ['list', 'jobs', '-p', project]);
  if (listed.code !== 0) {
    const detail = listed.stderr.trim().split('\n').pop() ?? '';
    throw new ValidationError(`runai_project ${project}: runai list jobs -p ${project} failed${detail ? `: ${detail}` : ''} (is the runai CLI installed and logged in?)`, 'runai_project');
  }
}
