/**
 * Creating, listing and closing suites. A suite closes by hand, or by itself once it has been idle
 * (no new jobs, nothing waiting, queued or running) for its idle_close_s, else the coordinator's
 * default; the sweep calls closeIdleSuites with the injected clock, so tests drive it by hand.
 * Closing by hand cancels the suite's jobs that have not started (waiting, queued): a closed suite's
 * workers clean up, so nothing would be left to run them in a set-up environment. Running jobs finish.
 * The idle close never meets such jobs: its guard is that none is waiting, queued or running, in the
 * same UPDATE, so there is nothing for it to cancel.
 * Events: suite.created, suite.closed (data.by: hand | idle; data.cancelled_jobs), job.cancelled per job.
 */
import { ConflictError, NotFoundError, SuiteCreate, SuiteListQuery, parseOrThrow, type Suite, type SuiteClosed, type SuiteClosedEvent, type SuiteCreatedEvent } from '../../shared';
import { recordSuiteInputs } from './suiteInputs';
import { resolveInputs } from '../artifacts/jobInputs';
import { cancelJob } from '../queue/transitions/cancelJob';
import type { CoreContext } from '../context';
import { requireSuiteRow, toSuite, type SuiteRow } from './suiteRows';

export function createSuite(ctx: CoreContext, input: unknown): Suite {
  const spec = parseOrThrow(SuiteCreate, input);
  return ctx.tx(() => {
    const project = ctx.sql('SELECT id FROM projects WHERE name = ?').get(spec.project) as { id: number } | undefined;
    if (!project) throw new NotFoundError(`project: project "${spec.project}" does not exist`, 'project');
    if (ctx.sql("SELECT 1 FROM suites WHERE name = ? AND state = 'open'").get(spec.name)) {
      throw new ConflictError(`name: an open suite is already called "${spec.name}"; close it first or pick another name`, 'name');
    }
    const now = ctx.now();
    // Pinned now, as a job's inputs are at submit: every worker stages the same bytes, whatever happens to the source later.
    const inputs = resolveInputs(ctx, spec.inputs, 'inputs');
    const info = ctx.sql(`INSERT INTO suites (name, project_id, labels, tags, priority, setup, cleanup, idle_close_s, state, created_at, last_activity_at, inputs)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)`).run(
      spec.name, project.id, JSON.stringify(spec.labels), JSON.stringify([...new Set(spec.tags)]), spec.priority,
      spec.setup === null ? null : JSON.stringify(spec.setup), spec.cleanup === null ? null : JSON.stringify(spec.cleanup),
      spec.idle_close_s, now, now, JSON.stringify(inputs),
    );
    const id = Number(info.lastInsertRowid);
    recordSuiteInputs(ctx, id, inputs);
    ctx.emit('suite.created', null, null, { suite_id: id, name: spec.name } satisfies SuiteCreatedEvent);
    return toSuite(ctx, ctx.sql('SELECT * FROM suites WHERE id = ?').get(id) as SuiteRow);
  });
}

export function getSuite(ctx: CoreContext, ref: string | number): Suite {
  return toSuite(ctx, requireSuiteRow(ctx, ref));
}

export function listSuites(ctx: CoreContext, query: unknown = {}): Suite[] {
  const filter = parseOrThrow(SuiteListQuery, query);
  const rows = ctx.sql(`SELECT * FROM suites WHERE (@state IS NULL OR state = @state)
    AND (@project IS NULL OR project_id = (SELECT id FROM projects WHERE name = @project)) ORDER BY state = 'open' DESC, id DESC`)
    .all({ state: filter.state ?? null, project: filter.project ?? null }) as SuiteRow[];
  return rows.map((row) => toSuite(ctx, row));
}

/** Closes a suite by hand: it takes no new jobs, its jobs not yet started are cancelled, running ones finish. Closing a closed suite changes nothing. */
export function closeSuite(ctx: CoreContext, ref: string | number): SuiteClosed {
  return ctx.tx(() => {
    const row = requireSuiteRow(ctx, ref);
    if (row.state === 'closed') return { ...toSuite(ctx, row), cancelled_jobs: 0 };
    ctx.sql("UPDATE suites SET state = 'closed', closed_at = ?, closed_by = 'hand' WHERE id = ? AND state = 'open'").run(ctx.now(), row.id);
    const pending = ctx.sql("SELECT id FROM jobs WHERE suite_id = ? AND state IN ('waiting', 'queued') ORDER BY id").all(row.id) as Array<{ id: number }>;
    for (const job of pending) cancelJob(ctx, job.id, `suite "${row.name}" was closed before the job started`);
    ctx.emit('suite.closed', null, null, { suite_id: row.id, name: row.name, by: 'hand', cancelled_jobs: pending.length } satisfies SuiteClosedEvent);
    return { ...toSuite(ctx, requireSuiteRow(ctx, row.id)), cancelled_jobs: pending.length };
  });
}

/** Closes every open suite idle for its idle_close_s (else `defaultIdleMs`); returns how many closed. */
export function closeIdleSuites(ctx: CoreContext, defaultIdleMs: number): number {
  return ctx.tx(() => {
    const now = ctx.now();
    const idle = ctx.sql(`UPDATE suites SET state = 'closed', closed_at = @now, closed_by = 'idle'
      WHERE state = 'open' AND waiting + queued + running = 0 AND last_activity_at <= @now - COALESCE(idle_close_s * 1000, @idle)
      RETURNING id, name`).all({ now, idle: defaultIdleMs }) as Array<{ id: number; name: string }>;
    for (const suite of idle) ctx.emit('suite.closed', null, null, { suite_id: suite.id, name: suite.name, by: 'idle' } satisfies SuiteClosedEvent);
    return idle.length;
  });
}
