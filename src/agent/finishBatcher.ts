import { ApiError, REPLY_SCHEMAS, type ClaimedJob, type ErrorCode, type FinishBatch, type FinishBatchReply, type FinishRequest, type FreeResources, type GantryClient } from '../shared';
import type { OutboxItem } from './spool/outboxItem';
import { checkCompiled } from './transport/compiledSchemaCheck';

type FinishItem = Extract<OutboxItem, { kind: 'finish' }>;

/** HTTP status a refused batch item would have had alone, so delivery judges it the same way. */
const STATUS: Partial<Record<ErrorCode, number>> = { not_found: 404, conflict: 409, invalid_request: 400 };

/**
 * Finish-and-claim: results go with a claim for the slots they free, and the jobs claimed start
 * before those slots are released, so the claim loop does not claim them twice.
 */
export interface NextJobs {
  /** The claim to send with these results, or null (nothing freed, or the agent is draining or stopping). */
  claimFor(items: FinishItem[]): { max: number; free: FreeResources } | null;
  /** Jobs the coordinator handed out with the results. */
  start(jobs: ClaimedJob[]): void;
  /** The reply's jobs could not be read: whatever attempts can be made out are reported failed. */
  unreadable(reply: unknown, reason: string): void;
}

/** `preempted` only when set, so a coordinator from before preemption (strict bodies) still takes the rest. */
function finishBody(item: FinishItem): FinishRequest {
  const body: FinishRequest = { attempt: item.attempt, outcome: item.outcome, exit_code: item.exit_code, error: item.error };
  if (item.preempted) body.preempted = true;
  return body;
}

type Pending = { item: FinishItem; resolve: () => void; reject: (error: unknown) => void };

/**
 * Results that are ready in the same turn of the event loop (several short jobs ending together)
 * go to the coordinator in one request and one transaction, with the claim for the slots they free
 * when `nextJobs` is given (one round trip per job instead of a finish and then a claim); a lone
 * result without a claim uses the plain route. Each caller still learns its own item's fate: a
 * refused item rejects with the error it would have got alone, a failed request rejects them all
 * (and the spool retries them).
 */
export function createFinishBatcher(client: GantryClient, nextJobs: () => NextJobs | null = () => null): (item: FinishItem) => Promise<void> {
  let pending: Pending[] = [];
  // A coordinator from before finish-and-claim refuses the `claim` field (one from before brief results, `brief`); then results go alone.
  let claimRefused = false;

  async function flush(): Promise<void> {
    const batch = pending;
    pending = [];
    const next = claimRefused ? null : nextJobs();
    const claim = next?.claimFor(batch.map(({ item }) => item)) ?? null;
    if (batch.length === 1 && !claim) {
      const [{ item, resolve, reject }] = batch;
      return client.call('finishJob', { params: { id: item.job_id }, body: finishBody(item) }).then(() => resolve(), reject);
    }
    try {
      const reply = await sendBatch(batch, claim, next);
      settle(batch, reply.results);
    } catch (error) {
      for (const { reject } of batch) reject(error);
    }
  }

  async function sendBatch(batch: Pending[], claim: FinishBatch['claim'] | null, next: NextJobs | null): Promise<FinishBatchReply> {
    const results = batch.map(({ item }) => ({ job_id: item.job_id, ...finishBody(item) }));
    if (!claim || !next) return client.call('finishJobs', { body: { results } });
    try {
      const reply: unknown = await client.call('finishJobs', { body: { results, claim, brief: true } });
      const issue = checkCompiled(REPLY_SCHEMAS.finishJobs, reply);
      if (issue) {
        next.unreadable(reply, `${issue.path || '(root)'}: ${issue.message}`);
        throw new Error(`the coordinator's reply to finishJobs does not match the protocol`);
      }
      const checked = reply as FinishBatchReply;
      // Started before the items resolve: their slots are released only after, so the claim loop sees them taken.
      next.start(checked.jobs ?? []);
      return checked;
    } catch (error) {
      if (!refusesClaimField(error)) throw error;
      claimRefused = true;
      return client.call('finishJobs', { body: { results } });
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length === 0) setImmediate(() => void flush());
      pending.push({ item, resolve, reject });
    });
}

function refusesClaimField(error: unknown): boolean {
  return error instanceof ApiError && error.code === 'invalid_request' && (error.field?.startsWith('claim') === true || /\b(claim|brief)\b/.test(error.message));
}

function settle(batch: Pending[], results: FinishBatchReply['results']): void {
  batch.forEach(({ resolve, reject }, i) => {
    const refused = results[i]?.error;
    if (!refused) return resolve();
    const code = refused.code as ErrorCode;
    reject(new ApiError(code, refused.message, STATUS[code] ?? 400, refused.field));
  });
}
