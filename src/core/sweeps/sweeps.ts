import { NotFoundError, type Job, type JobSubmitInput, type Sweep } from '../../shared';
import type { CoreContext } from '../context';
import { submitJobs } from '../queue/transitions/submitJobs';

/** What a sweep request said, kept so its jobs can be found and compared later. */
export interface SweepRecord {
  project: string;
  name: string;
  template: string[];
  param_names: string[];
  mode: 'grid' | 'zip';
}

/** The sweeps of the coordinator: the jobs each sweep request expanded to. */
export interface Sweeps {
  /** Records the sweep and submits its jobs in one transaction: all or nothing. */
  submit(record: SweepRecord, specs: JobSubmitInput[]): { sweep_id: number; jobs: Job[] };
  /** Newest first; sweeps whose jobs were all removed are left out. */
  list(query?: { project?: string; limit?: number }): Sweep[];
  get(id: number): Sweep;
}

interface SweepRow {
  id: number;
  project: string;
  name: string;
  template: string;
  param_names: string;
  mode: 'grid' | 'zip';
  created_at: number;
  jobs: number;
}

const SELECT_SWEEPS = `SELECT s.id, p.name AS project, s.name, s.template, s.param_names, s.mode, s.created_at,
  (SELECT COUNT(*) FROM jobs WHERE sweep_id = s.id) AS jobs FROM sweeps s JOIN projects p ON p.id = s.project_id`;

function toSweep(row: SweepRow): Sweep {
  return { ...row, template: JSON.parse(row.template) as string[], param_names: JSON.parse(row.param_names) as string[] };
}

export function submitSweep(ctx: CoreContext, record: SweepRecord, specs: JobSubmitInput[]): { sweep_id: number; jobs: Job[] } {
  return ctx.tx(() => {
    const project = ctx.sql('SELECT id FROM projects WHERE name = ?').get(record.project) as { id: number } | undefined;
    if (!project) throw new NotFoundError(`project: project "${record.project}" does not exist`, 'project');
    const sweepId = Number(
      ctx
        .sql('INSERT INTO sweeps (project_id, name, template, param_names, mode, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(project.id, record.name, JSON.stringify(record.template), JSON.stringify(record.param_names), record.mode, ctx.now()).lastInsertRowid,
    );
    const jobs = submitJobs(ctx, specs, true);
    ctx.sql('UPDATE jobs SET sweep_id = ? WHERE id IN (SELECT value FROM json_each(?))').run(sweepId, JSON.stringify(jobs.map((job) => job.id)));
    return { sweep_id: sweepId, jobs: jobs.map((job) => ({ ...job, sweep_id: sweepId })) };
  });
}

export function listSweeps(ctx: CoreContext, query: { project?: string; limit?: number } = {}): Sweep[] {
  const rows = ctx
    .sql(`SELECT * FROM (${SELECT_SWEEPS} WHERE (? IS NULL OR p.name = ?)) WHERE jobs > 0 ORDER BY id DESC LIMIT ?`)
    .all(query.project ?? null, query.project ?? null, query.limit ?? 100) as SweepRow[];
  return rows.map(toSweep);
}

export function getSweep(ctx: CoreContext, id: number): Sweep {
  const row = ctx.sql(`${SELECT_SWEEPS} WHERE s.id = ?`).get(id) as SweepRow | undefined;
  if (!row) throw new NotFoundError(`sweep ${id} does not exist`, 'id');
  return toSweep(row);
}

export function createSweeps(ctx: CoreContext): Sweeps {
  return {
    submit: (record, specs) => submitSweep(ctx, record, specs),
    list: (query) => listSweeps(ctx, query),
    get: (id) => getSweep(ctx, id),
  };
}
