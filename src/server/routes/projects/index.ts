import type { RouteHandlers } from '../routeHandler';

export const projectHandlers: RouteHandlers<'listProjects' | 'createProject' | 'clearProject'> = {
  listProjects: (_, { coordinator }) => coordinator.listProjects(),
  createProject: ({ body }, { coordinator }) => coordinator.createProject(body),
  clearProject: ({ params }, { coordinator }) => ({ removed: coordinator.clearPending(params.name) }),
};
