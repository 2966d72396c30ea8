/**
 * Notifications: rules, the event subscription that turns queue events into deliveries, the
 * unrunnable-jobs check (from the sweep's upkeep), and the delivery loop the server starts.
 * Sweeps are tracked from their job.submitted events while some rule exists, so a sweep-done rule
 * sees sweeps submitted after it was added (or after any other rule was).
 */
import type { NotifyDelivery, NotifyRule } from '../../shared';
import type { CoreContext } from '../context';
import { unrunnableShapes } from '../scheduler/unrunnable';
import { deliverDue, enqueueDeliveries, listDeliveries, type DeliveryOptions } from './deliveries';
import { messagesFor, unrunnableMessage } from './notificationTriggers';
import { addRule, listRules, removeRule, storedRules, type StoredRule } from './notifyRules';
import { SweepTracker } from './sweepTracker';

export interface Notifications {
  addRule(input: unknown): NotifyRule;
  listRules(): NotifyRule[];
  removeRule(id: number): void;
  deliveries(limit?: number): NotifyDelivery[];
  /** Sends pending deliveries now and whenever new ones appear or retries fall due; returns a stop function. */
  startDelivery(options: Partial<DeliveryOptions>): () => void;
}

const UNRUNNABLE_CHECK_MS = 30_000;

export interface Notifier extends Notifications {
  /** Upkeep from the sweep: notifies unrunnable rules when new unrunnable work shows up. */
  tick(): void;
}

export function createNotifier(ctx: CoreContext): Notifier {
  let rules: StoredRule[] = storedRules(ctx);
  const sweeps = new SweepTracker();
  let wake: (() => void) | null = null;
  let lastUnrunnableCheck = Number.NEGATIVE_INFINITY;
  let notifiedShapes = new Set<number>();

  // Subscribed only while a rule exists: with no listener the core skips building event objects,
  // which the claim path's throughput relies on.
  let unsubscribe: (() => void) | null = null;
  const listen = (): void => {
    if (rules.length > 0 && !unsubscribe) {
      unsubscribe = ctx.subscribe((event) => {
        const messages = messagesFor(ctx, event, sweeps);
        if (messages.length > 0 && enqueueDeliveries(ctx, rules, messages) > 0) wake?.();
      });
    } else if (rules.length === 0 && unsubscribe) {
      unsubscribe();
      unsubscribe = null;
    }
  };
  listen();

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
      listen();
      return rule;
    },
    listRules: () => listRules(ctx),
    removeRule: (id) => {
      removeRule(ctx, id);
      rules = storedRules(ctx);
      listen();
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
