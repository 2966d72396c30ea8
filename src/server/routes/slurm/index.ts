import type { RouteHandlers } from '../routeHandler';

type SlurmRoute = 'listSlurmClusters' | 'addSlurmCluster' | 'getSlurmCluster' | 'removeSlurmCluster';

export const slurmHandlers: RouteHandlers<SlurmRoute> = {
  listSlurmClusters: (_, { slurm }) => slurm.list(),
  addSlurmCluster: ({ body }, { slurm }) => slurm.add(body),
  getSlurmCluster: ({ params }, { slurm }) => slurm.get(params.name),
  removeSlurmCluster: ({ params }, { slurm }) => slurm.remove(params.name),
};
