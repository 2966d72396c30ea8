import type { CoreContext } from '../context';
import { DEFAULT_IDLE_RULE, detectIdleGpus, listIdleGpus, type IdleRule } from '../accounting/idleGpus';
import { statsReport } from '../accounting/statsReport';
import { failAbandonedTasks, getMaintenanceTask, listMaintenanceTasks, startMaintenanceTask } from '../maintenance/tasks/maintenanceTasks';
import { createNotifier } from '../notifications/notifier';
import { createChatLinkCode, listChatLinks, redeemChatLinkCode, removeChatLink } from '../chat/chatLinks';
import { readFleetGauges } from '../telemetry/fleetGauges';
import type { Operations, OperationsOptions } from './api';

/** Idle detection reads a window of samples per held GPU; twice a minute is plenty for a 15-minute rule. */
const IDLE_CHECK_MS = 30_000;

export function createOperations(ctx: CoreContext, options: OperationsOptions = {}): Operations {
  const rule: IdleRule = {
    thresholdPct: options.idleGpuThresholdPct ?? DEFAULT_IDLE_RULE.thresholdPct,
    windowMs: (options.idleGpuMinutes ?? DEFAULT_IDLE_RULE.windowMs / 60_000) * 60_000,
  };
  failAbandonedTasks(ctx);
  const notifier = createNotifier(ctx);
  let lastIdleCheck = Number.NEGATIVE_INFINITY;
  const detect = (): number => {
    lastIdleCheck = ctx.now();
    return detectIdleGpus(ctx, rule);
  };
  return {
    fleetGauges: () => readFleetGauges(ctx),
    stats: (query) => statsReport(ctx, query, rule),
    detectIdleGpus: detect,
    idleGpus: () => listIdleGpus(ctx),
    startMaintenance: (request) => startMaintenanceTask(ctx, request),
    maintenanceTask: (id) => getMaintenanceTask(ctx, id),
    maintenanceTasks: () => listMaintenanceTasks(ctx),
    notifications: notifier,
    chat: {
      createCode: () => createChatLinkCode(ctx),
      redeem: (code, chatId, user) => redeemChatLinkCode(ctx, code, chatId, user),
      list: () => listChatLinks(ctx),
      remove: (chatId) => removeChatLink(ctx, chatId),
    },
    tick: () => {
      if (ctx.now() - lastIdleCheck >= IDLE_CHECK_MS) detect();
      notifier.tick();
    },
  };
}
