import type { RouteHandlers } from '../routeHandler';

export const projectHandlers: RouteHandlers<'listProjects' | 'createProject' | 'updateProject' | 'clearProject'> = {
  listProjects: (_, { coordinator }) => coordinator.listProjects(),
  createProject: ({ body }, { coordinator }) => coordinator.createProject(body),
  updateProject: ({ params, body }, { coordinator }) => coordinator.updateProject(params.name, body),
  clearProject: ({ params }, { coordinator }) => ({ removed: coordinator.clearPending(params.name) }),
};
