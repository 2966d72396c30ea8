/** The HTTP request a delivery sends, in the rule's format. */
import type { NotifyFormat, NotifyOn } from '../../shared';

export interface WebhookMessage {
  on: NotifyOn;
  title: string;
  text: string;
  data: Record<string, unknown>;
}

export function webhookBody(format: NotifyFormat, url: string, message: WebhookMessage): Record<string, unknown> {
  switch (format) {
    case 'json':
      return { event: message.on, title: message.title, text: message.text, data: message.data };
    case 'slack':
      // Slack incoming webhooks (and Mattermost, Discord's /slack endpoint) show `text`, with *bold* in mrkdwn.
      return { text: `*${message.title}*\n${message.text}` };
    case 'telegram':
      // Bot API sendMessage; the chat is named in the rule's URL (…/sendMessage?chat_id=123).
      return { chat_id: new URL(url).searchParams.get('chat_id'), text: `${message.title}\n${message.text}` };
  }
}
