import type { RouteHandlers } from '../routeHandler';

export const tokenHandlers: RouteHandlers<'listTokens' | 'createToken' | 'revokeToken' | 'authLog'> = {
  listTokens: (_, { coordinator }) => coordinator.listTokens(),
  createToken: ({ body, request }, { coordinator }) => coordinator.createToken(body, { address: request.ip, route: 'POST /api/v1/tokens' }),
  revokeToken: ({ params, request }, { coordinator }) => coordinator.revokeToken(params.id, { address: request.ip, route: 'DELETE /api/v1/tokens/:id' }),
  authLog: ({ query }, { coordinator }) => coordinator.authLog(query.after, query.limit),
};
