import { z } from 'zod';
import { QueueEvent } from './events';
import { GpuSample } from './workers';

/** The one WebSocket at `/api/v1/ws?token=…`: live events, GPU samples and log follow with resume. */
export const WsClientMessage = z.discriminatedUnion('type', [
  /** Start (or resume) the event stream after this event id; 0 means only new events. */
  z.strictObject({ type: z.literal('subscribe'), after: z.number().int().min(0).default(0) }),
  /** Follow an attempt's log from a byte offset; the server sends what exists, then new bytes as they arrive. */
  z.strictObject({ type: z.literal('follow_log'), job_id: z.number().int(), attempt: z.number().int().min(1), offset: z.number().int().min(0).default(0) }),
  z.strictObject({ type: z.literal('unfollow_log'), job_id: z.number().int(), attempt: z.number().int() }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type WsClientMessage = z.input<typeof WsClientMessage>;

export const WsServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: QueueEvent }),
  z.object({ type: z.literal('gpu'), worker_id: z.string(), at: z.number(), samples: z.array(GpuSample) }),
  /** `offset` is where `data_b64` starts in the log file; `stderr` lists the [start, end) file offsets within it that the job wrote to stderr. */
  z.object({ type: z.literal('log'), job_id: z.number(), attempt: z.number(), offset: z.number(), data_b64: z.string(), stderr: z.array(z.tuple([z.number(), z.number()])).default([]) }),
  z.object({ type: z.literal('log_end'), job_id: z.number(), attempt: z.number(), size: z.number() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  z.object({ type: z.literal('pong') }),
]);
export type WsServerMessage = z.infer<typeof WsServerMessage>;
