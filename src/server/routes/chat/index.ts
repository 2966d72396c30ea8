import type { RouteHandlers } from '../routeHandler';

export const chatHandlers: RouteHandlers<'createChatLinkCode' | 'listChatLinks' | 'removeChatLink'> = {
  createChatLinkCode: (_, { coordinator }) => coordinator.operations.chat.createCode(),
  listChatLinks: (_, { coordinator }) => coordinator.operations.chat.list(),
  removeChatLink: ({ params }, { coordinator }) => {
    coordinator.operations.chat.remove(params.chat_id);
    return { ok: true };
  },
};
