import { Notification } from 'electron';
import type { Coordinator } from '../../core';
import { NotFoundError, type Job } from '../../shared';
import { createNotificationRules, type DesktopNotification } from './notificationRules';

export interface DesktopNotifier {
  /** A notification the renderer asked for (window.gantry.notify). */
  show(notification: DesktopNotification): void;
  stop(): void;
}

/** Feeds the coordinator's events through the notification rules and shows what they decide. */
export function startDesktopNotifier(options: { coordinator: Coordinator; openRoute: (route: string) => void; now?: () => number }): DesktopNotifier {
  const { coordinator, openRoute, now = Date.now } = options;
  const rules = createNotificationRules({ now });
  // Electron garbage-collects a Notification that nothing references, and its click is lost with it.
  const visible = new Set<Notification>();

  const show = (notification: DesktopNotification) => {
    if (!Notification.isSupported()) return;
    const shown = new Notification({ title: notification.title, body: notification.body });
    visible.add(shown);
    shown.on('click', () => openRoute(notification.jobId === null ? '/jobs?state=failed' : `/jobs/${notification.jobId}`));
    shown.on('close', () => visible.delete(shown));
    shown.show();
  };

  const lookup = (jobId: number | null): Job | null => {
    if (jobId === null) return null;
    try {
      return coordinator.getJob(jobId);
    } catch (error) {
      // Removed jobs are gone by the time their event arrives; the rules handle a missing job.
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  };

  const workerName = (workerId: string | null): string | null => {
    if (workerId === null) return null;
    try {
      return coordinator.getWorker(workerId).name;
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  };

  const unsubscribe = coordinator.subscribe((event) => rules.onEvent(event, lookup(event.job_id), workerName(event.worker_id)).forEach(show));
  const flushTimer = setInterval(() => rules.flush().forEach(show), 15_000);
  flushTimer.unref();

  return {
    show,
    stop() {
      clearInterval(flushTimer);
      unsubscribe();
    },
  };
}
