import { packWorkDir } from '../../../provision';
import type { RouteHandlers } from '../routeHandler';

export const workDirHandlers: RouteHandlers<'packWorkDir'> = {
  packWorkDir: ({ body }, { coordinator }) => packWorkDir(coordinator.artifacts, body),
};
