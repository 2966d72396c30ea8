import { z } from 'zod';

/** What a rule fires on. failure: a job failed for good; sweep-done: every job of a sweep finished; idle-gpu: an attempt's GPU went idle; unrunnable: queued jobs no worker can ever run. */
export const NotifyOn = z.enum(['failure', 'sweep-done', 'worker-offline', 'idle-gpu', 'unrunnable']);
export type NotifyOn = z.infer<typeof NotifyOn>;

/** json: `{event, title, text, data}`; slack: an incoming-webhook `{text}`; telegram: Bot API sendMessage `{chat_id, text}` (chat_id from the URL's query). */
export const NotifyFormat = z.enum(['json', 'slack', 'telegram']);
export type NotifyFormat = z.infer<typeof NotifyFormat>;

const WebhookUrl = z
  .string()
  .max(2000)
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), 'webhook: an http:// or https:// URL');

export const NotifyRuleCreate = z
  .strictObject({
    on: NotifyOn,
    /** Only this project's jobs (failure, sweep-done, idle-gpu); null: every project. */
    project: z.string().min(1).max(200).nullable().default(null),
    webhook: WebhookUrl,
    format: NotifyFormat.default('json'),
  })
  .refine((rule) => rule.format !== 'telegram' || new URL(rule.webhook).searchParams.has('chat_id'), {
    message: 'webhook: a telegram webhook names its chat: …/sendMessage?chat_id=123',
    path: ['webhook'],
  });
export type NotifyRuleCreate = z.input<typeof NotifyRuleCreate>;

export const NotifyRule = z.object({
  id: z.number().int(),
  on: NotifyOn,
  project: z.string().nullable(),
  /** Origin and path only: query strings and bot tokens in paths are secrets. */
  webhook: z.string(),
  format: NotifyFormat,
  created_at: z.number(),
});
export type NotifyRule = z.infer<typeof NotifyRule>;

export const NotifyDelivery = z.object({
  id: z.number().int(),
  rule_id: z.number().int(),
  on: NotifyOn,
  title: z.string(),
  text: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  created_at: z.number(),
  next_at: z.number().nullable(),
  delivered_at: z.number().nullable(),
});
export type NotifyDelivery = z.infer<typeof NotifyDelivery>;

export const NotifyLogQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(100) });
