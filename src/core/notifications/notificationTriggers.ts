/**
 * Which notifications a queue event deserves, as messages with the project they concern
 * (null: the whole fleet). Job details are read after the event's commit. Runs inside the
 * notifier's transaction: sweep progress (sweep_batches) moves with the events.
 */
import type { NotifyOn, QueueEvent } from '../../shared';
import type { CoreContext } from '../context';
import { applySweepEvent } from './sweepBatches';

export interface NotificationMessage {
  on: NotifyOn;
  /** The project the message is about; rules with a project only get their own. */
  project: string | null;
  title: string;
  text: string;
  data: Record<string, unknown>;
}

interface JobFacts {
  id: number;
  name: string;
  project: string;
  error: string | null;
  exit_code: number | null;
}

function jobFacts(ctx: CoreContext, jobId: number | null): JobFacts | null {
  if (jobId === null) return null;
  return (ctx.sql('SELECT j.id, j.name, p.name AS project, j.error, j.exit_code FROM jobs j JOIN projects p ON p.id = j.project_id WHERE j.id = ?').get(jobId) as JobFacts | undefined) ?? null;
}

function sweepMessage(ctx: CoreContext, event: QueueEvent): NotificationMessage | null {
  const done = applySweepEvent(ctx, event);
  if (!done) return null;
  const verdict = done.failed === 0 ? 'all succeeded' : `${done.failed} did not succeed`;
  return { on: 'sweep-done', project: done.project, title: `Sweep finished in ${done.project}`, text: `${done.jobs} jobs finished: ${verdict}`, data: { ...done, last_job_id: event.job_id } };
}

export function messagesFor(ctx: CoreContext, event: QueueEvent): NotificationMessage[] {
  switch (event.type) {
    case 'job.submitted':
    case 'job.retried':
    case 'job.unblocked':
      applySweepEvent(ctx, event);
      return [];
    case 'job.failed': {
      const job = jobFacts(ctx, event.job_id);
      const sweep = sweepMessage(ctx, event);
      const failure: NotificationMessage | null = job && {
        on: 'failure',
        project: job.project,
        title: `Job #${job.id} failed`,
        text: `#${job.id} ${job.name} in ${job.project}: ${job.error ?? `exit code ${job.exit_code}`}`,
        data: { job_id: job.id, name: job.name, project: job.project, error: job.error, exit_code: job.exit_code },
      };
      return [failure, sweep].filter((m): m is NotificationMessage => m !== null);
    }
    case 'job.succeeded':
    case 'job.cancelled':
    case 'job.blocked': {
      const sweep = sweepMessage(ctx, event);
      return sweep ? [sweep] : [];
    }
    case 'worker.state': {
      if (event.data.state !== 'offline' || event.worker_id === null) return [];
      const worker = ctx.sql('SELECT name FROM workers WHERE id = ?').get(event.worker_id) as { name: string } | undefined;
      const name = worker?.name ?? event.worker_id;
      const reason = typeof event.data.reason === 'string' ? event.data.reason : 'no reason given';
      return [{ on: 'worker-offline', project: null, title: `Worker ${name} went offline`, text: `${name}: ${reason}`, data: { worker_id: event.worker_id, worker: name, reason } }];
    }
    case 'attempt.idle_gpu': {
      const job = jobFacts(ctx, event.job_id);
      if (!job) return [];
      const minutes = Number(event.data.minutes);
      return [
        {
          on: 'idle-gpu',
          project: job.project,
          title: `Job #${job.id} holds an idle GPU`,
          text: `#${job.id} ${job.name} in ${job.project}: GPU ${String(event.data.gpu)} at ≤ ${String(event.data.threshold_pct)}% for ${minutes} minutes`,
          data: { job_id: job.id, project: job.project, ...event.data },
        },
      ];
    }
    default:
      return [];
  }
}

export function unrunnableMessage(queued: number, shapes: number): NotificationMessage {
  return {
    on: 'unrunnable',
    project: null,
    title: 'Jobs no worker can run',
    text: `${queued} queued job(s) in ${shapes} requirement shape(s) fit no worker seen so far (gantry why <id> says why)`,
    data: { queued, shapes },
  };
}
