/**
 * Notifications: rules, the event subscription that turns queue events into deliveries, the
 * unrunnable-jobs check (from the sweep's upkeep), and the delivery loop the server starts.
 * Sweeps are tracked from their job.submitted events while some rule exists, so a sweep-done rule
 * sees sweeps submitted after it was added (or after any other rule was).
 *
 * Events are applied exactly once: the deliveries an event makes, the sweep progress it moves and
 * the cursor (the last event id applied, in meta) are written in one transaction, and a coordinator
 * that starts with rules applies the events stored after the cursor first, so a restart between
 * an event's commit and its notification neither loses nor doubles it.
 */
import type { EventType, NotifyDelivery, NotifyRule, QueueEvent } from '../../shared';
import type { CoreContext } from '../context';
import { unrunnableShapes } from '../scheduler/unrunnable';
import { deliverDue, enqueueDeliveries, listDeliveries, type DeliveryOptions } from './deliveries';
import { messagesFor, unrunnableMessage } from './notificationTriggers';
import { addRule, listRules, removeRule, storedRules, type StoredRule } from './notifyRules';

export interface Notifications {
  addRule(input: unknown): NotifyRule;
  listRules(): NotifyRule[];
  removeRule(id: number): void;
  deliveries(limit?: number): NotifyDelivery[];
  /** Sends pending deliveries now and whenever new ones appear or retries fall due; returns a stop function. */
  startDelivery(options: Partial<DeliveryOptions>): () => void;
}

const UNRUNNABLE_CHECK_MS = 30_000;
const CURSOR_KEY = 'notify_event_cursor';
/** Events that can make a notification or move a sweep; the others are skipped, cursor and all (applying them again is a no-op). */
const NOTIFYING = new Set<EventType>([
  'job.submitted', 'job.retried', 'job.unblocked', 'job.succeeded', 'job.failed', 'job.cancelled', 'job.blocked', 'worker.state', 'attempt.idle_gpu',
]);
/** Replayed events are read this many at a time. */
const REPLAY_PAGE = 1000;

function readCursor(ctx: CoreContext): number | null {
  const row = ctx.sql('SELECT value FROM meta WHERE key = ?').get(CURSOR_KEY) as { value: string } | undefined;
  return row ? Number(row.value) : null;
}

function writeCursor(ctx: CoreContext, id: number): void {
  ctx.sql('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(CURSOR_KEY, String(id));
}

const lastEventId = (ctx: CoreContext): number => {
  ctx.writePendingEvents();
  return (ctx.sql('SELECT COALESCE(MAX(id), 0) AS id FROM events').get() as { id: number }).id;
};

/** Applies events past the cursor in one transaction; returns how many deliveries they made. */
function applyEvents(ctx: CoreContext, rules: StoredRule[], events: QueueEvent[]): number {
  return ctx.tx(() => {
    const cursor = readCursor(ctx) ?? 0;
    let made = 0;
    let last = cursor;
    for (const event of events) {
      if (event.id <= last) continue;
      made += enqueueDeliveries(ctx, rules, messagesFor(ctx, event));
      last = event.id;
    }
    if (last > cursor) writeCursor(ctx, last);
    return made;
  });
}

/** The notifying events stored after the cursor, as a restart finds them. */
function* storedEventsAfterCursor(ctx: CoreContext): Generator<QueueEvent[]> {
  let after = readCursor(ctx) ?? lastEventId(ctx);
  const types = [...NOTIFYING];
  for (;;) {
    ctx.writePendingEvents();
    const rows = ctx.sql(`SELECT id, at, type, job_id, worker_id, data FROM events WHERE id > ? AND type IN (${types.map(() => '?').join(', ')}) ORDER BY id LIMIT ?`)
      .all(after, ...types, REPLAY_PAGE) as Array<Omit<QueueEvent, 'data'> & { data: string }>;
    if (rows.length === 0) return;
    yield rows.map((row) => ({ ...row, data: JSON.parse(row.data) as Record<string, unknown> }));
    after = rows[rows.length - 1].id;
  }
}

export interface Notifier extends Notifications {
  /** Upkeep from the sweep: notifies unrunnable rules when new unrunnable work shows up. */
  tick(): void;
}

export function createNotifier(ctx: CoreContext): Notifier {
  let rules: StoredRule[] = storedRules(ctx);
  let wake: (() => void) | null = null;
  let lastUnrunnableCheck = Number.NEGATIVE_INFINITY;
  let notifiedShapes = new Set<number>();

  // Subscribed only while a rule exists: with no listener the core skips building event objects,
  // which the claim path's throughput relies on.
  let unsubscribe: (() => void) | null = null;
  // A sweep's job.submitted events are applied together, in one transaction: a 10k sweep is not
  // 10k commits. They are held until the submit's events are all published (a microtask), or
  // until another event comes, so everything is still applied in event order.
  let submittedBatch: QueueEvent[] = [];
  const apply = (events: QueueEvent[]): void => {
    if (events.length > 0 && applyEvents(ctx, rules, events) > 0) wake?.();
  };
  const flushSubmitted = (): void => {
    const events = submittedBatch;
    submittedBatch = [];
    if (ctx.db.open) apply(events);
  };
  /** `replay`: at start, apply what a previous run left unapplied; else (a first rule) start from now, with no sweep history. */
  const listen = (replay: boolean): void => {
    if (rules.length > 0 && !unsubscribe) {
      if (replay) for (const events of storedEventsAfterCursor(ctx)) apply(events);
      else ctx.tx(() => {
        writeCursor(ctx, lastEventId(ctx));
        ctx.sql('DELETE FROM sweep_batches').run();
      });
      unsubscribe = ctx.subscribe((event) => {
        if (!NOTIFYING.has(event.type)) return;
        if (event.type === 'job.submitted') {
          if (submittedBatch.length === 0) queueMicrotask(flushSubmitted);
          submittedBatch.push(event);
          return;
        }
        if (submittedBatch.length > 0) flushSubmitted();
        apply([event]);
      });
    } else if (rules.length === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };
  listen(true);

  const checkUnrunnable = (): void => {
    lastUnrunnableCheck = ctx.now();
    const { shapeIds, queued } = unrunnableShapes(ctx);
    const fresh = shapeIds.some((id) => !notifiedShapes.has(id));
    notifiedShapes = new Set(shapeIds);
    if (fresh && enqueueDeliveries(ctx, rules, [unrunnableMessage(queued, shapeIds.length)]) > 0) wake?.();
  };

  return {
    addRule: (input) => {
      const rule = addRule(ctx, input);
      rules = storedRules(ctx);
      listen(false);
      return rule;
    },
    listRules: () => listRules(ctx),
    removeRule: (id) => {
      removeRule(ctx, id);
      rules = storedRules(ctx);
      listen(false);
    },
    deliveries: (limit = 100) => listDeliveries(ctx, limit),
    tick: () => {
      if (rules.some((r) => r.on === 'unrunnable') && ctx.now() - lastUnrunnableCheck >= UNRUNNABLE_CHECK_MS) checkUnrunnable();
    },
    startDelivery: (partial) => {
      const options: DeliveryOptions = { fetch: partial.fetch ?? globalThis.fetch.bind(globalThis), retryBaseMs: partial.retryBaseMs ?? 5_000 };
      let timer: ReturnType<typeof setTimeout> | null = null;
      let running = false;
      let again = false;
      let stopped = false;
      const run = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            // The coordinator closed under a pending timer: nothing to send with.
            if (!ctx.db.open) return;
            const next = await deliverDue(ctx, options);
            if (timer) clearTimeout(timer);
            timer = null;
            if (next !== null && !stopped) timer = setTimeout(() => void run(), Math.max(0, next - ctx.now()));
            timer?.unref();
          } while (again && !stopped);
        } finally {
          running = false;
        }
      };
      wake = () => void run();
      void run();
      return () => {
        stopped = true;
        wake = null;
        if (timer) clearTimeout(timer);
      };
    },
  };
}
