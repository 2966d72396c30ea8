import { z } from 'zod';

/** A one-time code that links a chat to this coordinator (send `/link CODE` to the bot). */
export const ChatLinkCode = z.object({ code: z.string(), expires_at: z.number() });
export type ChatLinkCode = z.infer<typeof ChatLinkCode>;

/** A chat linked to the coordinator, and the chat-scoped token the bot answers it with. */
export const ChatLink = z.object({ chat_id: z.string(), user: z.string(), token_id: z.number().int(), linked_at: z.number() });
export type ChatLink = z.infer<typeof ChatLink>;
