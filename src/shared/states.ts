import { z } from 'zod';

/**
 * The closed set of job states; the migration mirrors it with a CHECK.
 * - waiting:   submitted with dependencies not yet succeeded; moved to queued by finishAttempt of the last dependency.
 * - queued:    ready to run; moved to running only by claimJobs.
 * - running:   held by one attempt on one worker; left by finishAttempt, expireLeases or cancelJob.
 * - succeeded: final; an attempt exited 0.
 * - failed:    final; attempts spent. retryJob moves it back to queued/waiting.
 * - cancelled: final; by cancelJob. retryJob moves it back.
 * - blocked:   final until a retry; a dependency failed or was cancelled (blockDependents).
 */
export const JobState = z.enum(['waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'blocked']);
export type JobState = z.infer<typeof JobState>;
export const JOB_STATES = JobState.options;

export const FINAL_STATES: readonly JobState[] = ['succeeded', 'failed', 'cancelled', 'blocked'];
export const PENDING_STATES: readonly JobState[] = ['waiting', 'queued', 'blocked'];
export const RETRYABLE_STATES: readonly JobState[] = ['failed', 'cancelled', 'blocked'];

/** How one attempt ended. */
/** preempted: stopped for a higher-priority job (or by an admin); the job re-queued without spending a retry. */
export const AttemptOutcome = z.enum(['succeeded', 'failed', 'lost', 'cancelled', 'timed_out', 'preempted']);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

export const WorkerState = z.enum(['online', 'draining', 'offline']);
export type WorkerState = z.infer<typeof WorkerState>;

/**
 * metrics: may only scrape `GET /metrics` (a Prometheus server's token).
 * chat: a linked chat's token (the chat bot): read jobs and workers, explain, cancel jobs.
 */
export const TokenScope = z.enum(['admin', 'worker', 'job', 'read', 'metrics', 'chat']);
export type TokenScope = z.infer<typeof TokenScope>;
