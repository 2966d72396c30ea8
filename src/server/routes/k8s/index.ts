import type { RouteHandlers } from '../routeHandler';

type KubernetesRoute = 'listK8sClusters' | 'addK8sCluster' | 'getK8sCluster' | 'removeK8sCluster';

export const kubernetesHandlers: RouteHandlers<KubernetesRoute> = {
  listK8sClusters: (_, { coordinator }) => coordinator.kubernetes.list(),
  addK8sCluster: ({ body }, { kubernetes }) => kubernetes.add(body),
  getK8sCluster: ({ params }, { coordinator }) => coordinator.kubernetes.get(params.name),
  removeK8sCluster: async ({ params }, { kubernetes }) => {
    await kubernetes.remove(params.name);
    return { removed: true as const };
  },
};
