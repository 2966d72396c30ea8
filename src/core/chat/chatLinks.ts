/**
 * Chats linked to the coordinator (the chat bot, issue 18). An admin asks for a one-time code; the
 * user sends it to the bot from their chat; the bot redeems it and gets a token of the chat scope
 * (read jobs and workers, explain, cancel) that it answers that chat's commands with. Codes are
 * stored hashed and expire; unlinking revokes the chat's token.
 */
import { randomInt } from 'node:crypto';
import { NotFoundError, ValidationError, type ChatLink, type ChatLinkCode } from '../../shared';
import type { CoreContext } from '../context';
import { createToken, hashToken, revokeToken } from '../tokens/tokenStore';

const CODE_TTL_MS = 10 * 60_000;
/** Unambiguous letters and digits (no 0/O, 1/I/L). */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

export function createChatLinkCode(ctx: CoreContext): ChatLinkCode {
  const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const now = ctx.now();
  ctx.tx(() => {
    ctx.sql('DELETE FROM chat_link_codes WHERE expires_at <= ?').run(now);
    ctx.sql('INSERT INTO chat_link_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)').run(hashToken(code), now, now + CODE_TTL_MS);
  });
  return { code, expires_at: now + CODE_TTL_MS };
}

/**
 * Spends a code for a chat: returns the new chat-scoped token (its secret, once). A chat linked
 * before gets a fresh token and its old one is revoked. A wrong or expired code is refused.
 */
export function redeemChatLinkCode(ctx: CoreContext, code: string, chatId: string, user: string): string {
  return ctx.tx(() => {
    const hash = hashToken(code.trim().toUpperCase());
    const spent = ctx.sql('DELETE FROM chat_link_codes WHERE code_hash = ? AND expires_at > ?').run(hash, ctx.now()).changes;
    if (spent === 0) throw new ValidationError('code: unknown or expired link code; ask for a new one with `gantry chat link`', 'code');
    const old = ctx.sql('SELECT token_id FROM chat_links WHERE chat_id = ?').get(chatId) as { token_id: number } | undefined;
    if (old) revokeToken(ctx, old.token_id);
    const { token, record } = createToken(ctx, { name: `chat ${chatId}`, scope: 'chat' });
    ctx.sql(`INSERT INTO chat_links (chat_id, user, token_id, linked_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (chat_id) DO UPDATE SET user = excluded.user, token_id = excluded.token_id, linked_at = excluded.linked_at`).run(chatId, user, record.id, ctx.now());
    return token;
  });
}

export function listChatLinks(ctx: CoreContext): ChatLink[] {
  return ctx.sql('SELECT chat_id, user, token_id, linked_at FROM chat_links ORDER BY linked_at').all() as ChatLink[];
}

export function removeChatLink(ctx: CoreContext, chatId: string): void {
  ctx.tx(() => {
    const link = ctx.sql('SELECT token_id FROM chat_links WHERE chat_id = ?').get(chatId) as { token_id: number } | undefined;
    if (!link) throw new NotFoundError(`chat ${chatId} is not linked`, 'chat_id');
    ctx.sql('DELETE FROM chat_links WHERE chat_id = ?').run(chatId);
    revokeToken(ctx, link.token_id);
  });
}
