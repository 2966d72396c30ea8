import type { RouteHandlers } from '../routeHandler';

export const tokenHandlers: RouteHandlers<'listTokens' | 'createToken' | 'revokeToken'> = {
  listTokens: (_, { coordinator }) => coordinator.listTokens(),
  createToken: ({ body }, { coordinator }) => coordinator.createToken(body),
  revokeToken: ({ params }, { coordinator }) => coordinator.revokeToken(params.id),
};
