import type { RouteHandlers } from '../routeHandler';

export const notificationHandlers: RouteHandlers<'addNotifyRule' | 'listNotifyRules' | 'removeNotifyRule' | 'notifyLog'> = {
  addNotifyRule: ({ body }, { coordinator }) => coordinator.operations.notifications.addRule(body),
  listNotifyRules: (_, { coordinator }) => coordinator.operations.notifications.listRules(),
  removeNotifyRule: ({ params }, { coordinator }) => {
    coordinator.operations.notifications.removeRule(params.id);
    return { ok: true };
  },
  notifyLog: ({ query }, { coordinator }) => coordinator.operations.notifications.deliveries(query.limit),
};
