import { GantryError, ValidationError, type KubernetesClusterSpec } from '../../shared';
import { runKubectl } from './kubectl';

/**
 * The context must exist in the user's kubeconfig and may create Jobs in the namespace; kubectl
 * says which is wrong, and the error names the field (`context` or `namespace`).
 */
export async function checkClusterAccess(cluster: Pick<KubernetesClusterSpec, 'context' | 'namespace'>, kubectl?: string): Promise<void> {
  const target = { context: cluster.context, namespace: cluster.namespace, kubectl };
  const contexts = await runKubectl(target, ['config', 'get-contexts', cluster.context, '-o', 'name']);
  if (contexts.code !== 0 || contexts.stdout.trim() !== cluster.context) {
    throw new ValidationError(`context ${cluster.context}: not a context of the kubeconfig (kubectl config get-contexts)${contexts.code === null ? `: ${contexts.stderr.trim()}` : ''}`, 'context');
  }
  const allowed = await runKubectl(target, ['auth', 'can-i', 'create', 'jobs.batch']);
  if (allowed.stdout.trim() !== 'yes') {
    throw new GantryError('forbidden', `namespace ${cluster.namespace}: context ${cluster.context} may not create Jobs there (kubectl auth can-i create jobs.batch)`, 'namespace');
  }
}
