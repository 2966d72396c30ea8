import type { Command } from 'commander';
import { addConnectionFlags, connect, type ConnectionFlags } from '../connection';
import { printJson, printLine, type CliContext } from '../context';
import { renderTable } from '../format/table';
import { formatAge } from '../format/time';

interface ChatFlags extends ConnectionFlags {
  json?: boolean;
}

export function registerChat(program: Command, context: CliContext): void {
  const chat = program.command('chat').summary('the chat bot (Telegram Bot API; gantry serve with GANTRY_TELEGRAM_BOT_TOKEN): link chats, list and unlink them');

  const link = chat.command('link').summary('a one-time code to send to the bot as /link CODE (valid 10 minutes)').option('--json', 'print the code as JSON');
  addConnectionFlags(link);
  link.action(async (flags: ChatFlags) => {
    const { client } = await connect(flags, context);
    const code = await client.call('createChatLinkCode');
    if (flags.json) printJson(context, code);
    else printLine(context.stdout, `Send this to the bot from the chat to link: /link ${code.code}  (valid until ${new Date(code.expires_at).toLocaleTimeString()})`);
  });

  const ls = chat.command('ls', { isDefault: true }).summary('linked chats (the default)').option('--json', 'print the links as JSON');
  addConnectionFlags(ls);
  ls.action(async (flags: ChatFlags) => {
    const { client } = await connect(flags, context);
    const links = await client.call('listChatLinks');
    if (flags.json) printJson(context, links);
    else if (links.length === 0) printLine(context.stdout, 'no linked chats (gantry chat link)');
    else printLine(context.stdout, renderTable(links, [
      { header: 'CHAT', value: (l) => l.chat_id },
      { header: 'USER', value: (l) => l.user, maxWidth: 40 },
      { header: 'LINKED', value: (l) => `${formatAge(l.linked_at, context.now())} ago`, align: 'right' },
    ]));
  });

  const rm = chat.command('rm').summary("unlink a chat and revoke its token").argument('<chat>', 'chat id (see gantry chat ls)');
  addConnectionFlags(rm);
  rm.action(async (chatId: string, flags: ChatFlags) => {
    const { client } = await connect(flags, context);
    await client.call('removeChatLink', { params: { chat_id: chatId } });
    printLine(context.stdout, `chat ${chatId} unlinked`);
  });
}
