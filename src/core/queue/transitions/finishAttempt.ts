/**
 * finishAttempt — a worker reports how an attempt ended.
 * Guards: the attempt exists and is the job's current one. Idempotent: repeating the report of a
 * finished attempt returns the job unchanged. A stale attempt (lost and requeued, or superseded)
 * gets a ConflictError (HTTP 409) so the agent drops it.
 * A preempted attempt (see wasPreempted) re-queues free through endPreemptedAttempt.
 * Out: succeeded → succeeded and release dependents; failed/timed_out → queued while counted attempts
 * remain (claimable after the retry delay, `retry_at`), else failed and block dependents; cancelled → cancelled. A job cancelled while running
 * only has its attempt closed.
 * Events: job.succeeded | job.requeued | job.failed | job.cancelled (+ job.queued / job.blocked of dependents),
 * or attempt.ended when only the attempt closes.
 * finishAttempts applies many reports in one transaction (one commit instead of one each); a report
 * is refused (stale, unknown) only by guards that read before it writes, so a refused one leaves the
 * others applied without a savepoint per report.
 * Each outcome carries the whole job, or with `brief` only its new state (the agent reads no more).
 */
import { ConflictError, FinishBatch, FinishRequest, GantryError, NotFoundError, parseOrThrow, type FinishOutcome, type Job, type JobState } from '../../../shared';
import type { z } from 'zod';
import type { CoreContext } from '../../context';
import { blockDependents } from './blockDependents';
import { releaseDependents } from './releaseDependents';
import { retryDelayMs } from '../retryDelay';
import { countedAttempts, type JobRow } from '../../store/rows';
import { getJob } from '../jobRows';
import { readFinishTarget, type FinishTarget, type ReportedAttempt } from './finishTarget';
import { endPreemptedAttempt } from './preemptJobs';
import { noteRetryAt } from './releaseDueRetries';
import { PendingSuccesses } from './pendingSuccesses';

/** What a report is once parsed: defaults filled in. */
type ParsedReport = z.output<typeof FinishRequest>;

export function finishAttempt(ctx: CoreContext, jobId: number, input: unknown): Job {
  const report = parseOrThrow(FinishRequest, input);
  return ctx.tx(() => {
    applyReport(ctx, jobId, report);
    return getJob(ctx, jobId);
  });
}

/** The transition itself, on a report already parsed (a batch parses its items once, up front). Returns the job's state after it. */
function applyReport(ctx: CoreContext, jobId: number, report: ParsedReport): JobState {
  const checked = checkReport(ctx, jobId, report);
  return typeof checked === 'string' ? checked : writeReport(ctx, jobId, report, checked);
}

/** A report checkReport let through: the job and the attempt it ends. */
interface CheckedReport {
  job: FinishTarget;
  attempt: ReportedAttempt;
}

/**
 * The guards, which only read: every refusal of a report is thrown here, before anything is
 * written, so a batch needs no savepoint per report to keep a refused one from undoing the others.
 * A repeated report of a finished attempt returns the job's state (idempotent).
 */
function checkReport(ctx: CoreContext, jobId: number, report: ParsedReport): CheckedReport | JobState {
  const job = readFinishTarget(ctx, jobId, report.attempt);
  if (!job) throw new NotFoundError(`job ${jobId} does not exist`, 'id');
  const attempt = job.reported;
  if (!attempt) throw new NotFoundError(`job ${jobId} has no attempt ${report.attempt}`, 'attempt');
  if (attempt.finished_at !== null) {
    if (attempt.outcome === 'lost') throw new ConflictError(`attempt ${report.attempt} of job ${jobId} was lost (its lease expired) and is stale`, 'attempt');
    return job.state;
  }
  return { job, attempt };
}

/** The writes of a report checkReport let through; they refuse nothing. */
function writeReport(ctx: CoreContext, jobId: number, report: ParsedReport, { job, attempt }: CheckedReport): JobState {
  if (wasPreempted(job, attempt, report)) {
    endPreemptedAttempt(ctx, jobId, report.attempt, attempt.worker_id, attempt.preempted_by, report.exit_code);
    return 'queued';
  }
  const now = ctx.now();
  const error = report.error ?? attemptError(job, report);
  ctx.sql('UPDATE attempts SET finished_at = ?, outcome = ?, exit_code = ?, error = ? WHERE job_id = ? AND attempt = ?')
    .run(now, report.outcome, report.exit_code, error, jobId, report.attempt);
  if (job.state !== 'running' || job.attempt !== report.attempt) {
    ctx.emit('attempt.ended', jobId, attempt.worker_id, { attempt: report.attempt, outcome: report.outcome });
    return job.state;
  }
  if (report.outcome === 'succeeded') {
    updateJob(ctx, jobId, { state: 'succeeded', finished_at: now, exit_code: report.exit_code, error: null });
    emitSucceeded(ctx, jobId, job.worker_id, report);
    if (job.has_dependents) releaseDependents(ctx, jobId);
    return 'succeeded';
  }
  if (report.outcome === 'cancelled') {
    updateJob(ctx, jobId, { state: 'cancelled', finished_at: now, exit_code: report.exit_code, error });
    ctx.emit('job.cancelled', jobId, job.worker_id, { attempt: report.attempt, by: 'worker' });
    blockDependents(ctx, jobId);
    return 'cancelled';
  }
  if (countedAttempts(job) < job.max_attempts) {
    const delay = retryDelayMs(job);
    const retryAt = delay > 0 ? now + delay : null;
    if (retryAt !== null) noteRetryAt(ctx, retryAt);
    updateJob(ctx, jobId, { state: 'queued', worker_id: null, queued_at: now, retry_at: retryAt, exit_code: report.exit_code, error });
    ctx.emit('job.requeued', jobId, job.worker_id, { attempt: report.attempt, reason: report.outcome, exit_code: report.exit_code, retry_at: retryAt });
    return 'queued';
  }
  updateJob(ctx, jobId, { state: 'failed', finished_at: now, exit_code: report.exit_code, error });
  ctx.emit('job.failed', jobId, job.worker_id, { attempt: report.attempt, reason: report.outcome, exit_code: report.exit_code });
  blockDependents(ctx, jobId);
  return 'failed';
}

/**
 * Writes `patch` to the job's row; one object names each column and its value once.
 * Keys come from this file's literals only, never from input.
 */
function updateJob(ctx: CoreContext, jobId: number, patch: Partial<JobRow>): void {
  const columns = Object.keys(patch);
  ctx.sql(`UPDATE jobs SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ?`).run(...Object.values(patch), jobId);
}

/**
 * A preempted attempt re-queues whatever its exit: a job that checkpoints on the signal and exits 0
 * has not finished. Only a success the agent did not cause (it ended before the signal) stands, and a
 * cancel wins over a preemption.
 */
function wasPreempted(job: FinishTarget, attempt: ReportedAttempt, report: ParsedReport): boolean {
  if (attempt.preempt_requested_at === null || job.state !== 'running' || job.attempt !== report.attempt) return false;
  if (report.outcome === 'cancelled') return false;
  return report.preempted === true || report.outcome !== 'succeeded';
}

/** Why an attempt ended, in words, when the agent sent none: a cancel names who cancelled, never "exited with code null". */
function attemptError(job: FinishTarget, report: ParsedReport): string | null {
  switch (report.outcome) {
    case 'succeeded':
      return null;
    case 'timed_out':
      return `timed out after ${job.timeout_s}s`;
    case 'cancelled':
      // The job's own error holds the cancel's reason ("cancelled by user") when someone cancelled it here.
      return job.state === 'cancelled' && job.error ? job.error : 'cancelled by the worker';
    default:
      return report.exit_code === null ? 'ended without an exit code (killed by a signal)' : `exited with code ${report.exit_code}`;
  }
}

export function finishAttempts(ctx: CoreContext, input: unknown): FinishOutcome[] {
  const { results, brief } = parseOrThrow(FinishBatch, input);
  return ctx.tx(() => {
    const successes = new PendingSuccesses(ctx);
    const outcomes = results.map(({ job_id, ...report }): FinishOutcome => {
      // A second report of a held-back job must read what the first one wrote.
      if (successes.has(job_id)) successes.write();
      let checked: CheckedReport | JobState;
      try {
        checked = checkReport(ctx, job_id, report);
      } catch (error) {
        if (!(error instanceof GantryError)) throw error;
        return { job_id, error: { code: error.code, message: error.message, field: error.field } };
      }
      // No savepoint: the refusals are all in checkReport, before any write (a savepoint per report
      // cost two statements of the ~20 a claimed and finished job runs, issue 19).
      const state = typeof checked === 'string' ? checked : applyChecked(ctx, job_id, report, checked, successes);
      if (brief) return { job_id, state };
      successes.write();
      return { job_id, job: getJob(ctx, job_id) };
    });
    successes.write();
    return outcomes;
  });
}

/**
 * Writes a report checkReport let through: a plain success is held back to be written with the
 * batch's others (its event is emitted now, so events keep the reports' order); any other report
 * writes what is held first, so writes that may read other jobs' rows (dependents) see them as
 * the reports before it left them.
 */
function applyChecked(ctx: CoreContext, jobId: number, report: ParsedReport, checked: CheckedReport, successes: PendingSuccesses): JobState {
  if (!isPlainSuccess(checked, report)) {
    successes.write();
    return writeReport(ctx, jobId, report, checked);
  }
  successes.add({ jobId, projectId: checked.job.project_id, attempt: report.attempt, finishedAt: ctx.now(), exitCode: report.exit_code, error: report.error ?? null });
  emitSucceeded(ctx, jobId, checked.job.worker_id, report);
  return 'succeeded';
}

/** The one shape of a success's event, whether its rows were written at once or held back for the batch. */
function emitSucceeded(ctx: CoreContext, jobId: number, workerId: string | null, report: ParsedReport): void {
  ctx.emit('job.succeeded', jobId, workerId, { attempt: report.attempt, exit_code: report.exit_code });
}

/**
 * A success of the job's current attempt that writeReport would turn into exactly two row updates
 * and an event: no preemption to honour, no dependents to release.
 */
function isPlainSuccess({ job, attempt }: CheckedReport, report: ParsedReport): boolean {
  return report.outcome === 'succeeded' && job.state === 'running' && job.attempt === report.attempt && !job.has_dependents && !wasPreempted(job, attempt, report);
}
