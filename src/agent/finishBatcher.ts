import { ApiError, type ErrorCode, type FinishRequest, type GantryClient } from '../shared';
import type { OutboxItem } from './spool/outboxItem';

type FinishItem = Extract<OutboxItem, { kind: 'finish' }>;

/** HTTP status a refused batch item would have had alone, so delivery judges it the same way. */
const STATUS: Partial<Record<ErrorCode, number>> = { not_found: 404, conflict: 409, invalid_request: 400 };

/**
 * Results that are ready in the same turn of the event loop (several short jobs ending together)
 * go to the coordinator in one request and one transaction; a lone result uses the plain route.
 * Each caller still learns its own item's fate: a refused item rejects with the error it would
 * have got alone, a failed request rejects them all (and the spool retries them).
 */
/** `preempted` only when set, so a coordinator from before preemption (strict bodies) still takes the rest. */
function finishBody(item: FinishItem): FinishRequest {
  const body: FinishRequest = { attempt: item.attempt, outcome: item.outcome, exit_code: item.exit_code, error: item.error };
  if (item.preempted) body.preempted = true;
  return body;
}

export function createFinishBatcher(client: GantryClient): (item: FinishItem) => Promise<void> {
  let pending: Array<{ item: FinishItem; resolve: () => void; reject: (error: unknown) => void }> = [];

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    if (batch.length === 1) {
      const [{ item, resolve, reject }] = batch;
      const body = finishBody(item);
      return client.call('finishJob', { params: { id: item.job_id }, body }).then(() => resolve(), reject);
    }
    try {
      const { results } = await client.call('finishJobs', {
        body: { results: batch.map(({ item }) => ({ job_id: item.job_id, ...finishBody(item) })) },
      });
      batch.forEach(({ resolve, reject }, i) => {
        const refused = results[i]?.error;
        if (!refused) return resolve();
        const code = refused.code as ErrorCode;
        reject(new ApiError(code, refused.message, STATUS[code] ?? 400, refused.field));
      });
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => void flush());
      pending.push({ item, resolve, reject });
    });
}
