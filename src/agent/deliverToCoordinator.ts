import { ApiError, type GantryClient } from '../shared';
import type { FailureVerdict } from './spool/deliverer';
import type { OutboxItem } from './spool/outboxItem';

/**
 * Network errors, timeouts, 5xx, 401/403 (a token an admin may fix) and rate limits pass;
 * anything else the coordinator said no to will never be accepted.
 */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof ApiError)) return true;
  return error.status >= 500 || [401, 403, 408, 429].includes(error.status);
}

/** A 409 on finish means a stale attempt (the lease expired, the job moved on): nothing to deliver any more. */
export function judgeDeliveryFailure(error: unknown): FailureVerdict {
  return isTransient(error) ? 'retry' : 'drop';
}

export async function deliverToCoordinator(client: GantryClient, item: OutboxItem, finish: (item: Extract<OutboxItem, { kind: 'finish' }>) => Promise<void>): Promise<void> {
  const params = { id: item.job_id };
  switch (item.kind) {
    case 'log':
      await client.call('appendLog', { params, body: { attempt: item.attempt, seq: item.seq, stream: item.stream, data_b64: item.data_b64 } });
      return;
    case 'metrics':
      await client.call('recordMetrics', { params, body: { attempt: item.attempt, points: item.points } });
      return;
    case 'finish':
      await finish(item);
      return;
  }
}
