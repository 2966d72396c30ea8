import type { RouteHandlers } from '../routeHandler';

type HostRoute = 'listHosts' | 'addHost' | 'getHost' | 'trustHost' | 'hostUp' | 'hostDown' | 'hostRestart' | 'hostUpgrade' | 'removeHost' | 'hostLogs' | 'syncHost';

export const hostHandlers: RouteHandlers<HostRoute> = {
  listHosts: (_, { hosts }) => hosts.list(),
  addHost: ({ body }, { hosts }) => hosts.add(body),
  getHost: ({ params }, { hosts }) => hosts.get(params.name),
  trustHost: ({ params, body }, { hosts }) => hosts.trust(params.name, body),
  hostUp: ({ params }, { hosts }) => hosts.up(params.name),
  hostDown: ({ params, body }, { hosts }) => hosts.down(params.name, body),
  hostRestart: ({ params }, { hosts }) => hosts.restart(params.name),
  hostUpgrade: ({ params }, { hosts }) => hosts.upgrade(params.name),
  removeHost: ({ params }, { hosts }) => hosts.remove(params.name),
  syncHost: ({ params, body }, { hosts }) => hosts.sync(params.name, body),
  hostLogs: async ({ params, query }, { hosts }) => ({ text: await hosts.logs(params.name, query.lines) }),
};
