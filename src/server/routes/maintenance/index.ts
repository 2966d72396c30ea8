import type { RouteHandlers } from '../routeHandler';

export const maintenanceHandlers: RouteHandlers<'startMaintenance' | 'listMaintenance' | 'getMaintenance'> = {
  startMaintenance: ({ body }, { coordinator }) => coordinator.operations.startMaintenance(body),
  listMaintenance: (_, { coordinator }) => coordinator.operations.maintenanceTasks(),
  getMaintenance: ({ params }, { coordinator }) => coordinator.operations.maintenanceTask(params.id),
};
