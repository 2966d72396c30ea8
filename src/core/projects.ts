import { ConflictError, NotFoundError, ProjectCreate, ProjectUpdate, parseOrThrow, type CheckpointSignal, type Project, type ProjectPreemption } from '../shared';
import type { CoreContext } from './context';

interface ProjectRow {
  id: number;
  name: string;
  description: string;
  created_at: number;
  preemptible: number | null;
  checkpoint_signal: CheckpointSignal | null;
  grace_s: number | null;
  min_runtime_s: number | null;
  preemptions: number;
}

// Preemptions are counted from the (few) preempted attempts, through their partial index.
const SELECT_PROJECTS = `SELECT p.id, p.name, p.description, p.created_at, p.preemptible, p.checkpoint_signal, p.grace_s, p.min_runtime_s,
  (SELECT COUNT(*) FROM attempts a INDEXED BY attempts_preempted JOIN jobs j ON j.id = a.job_id
    WHERE a.outcome = 'preempted' AND a.finished_at IS NOT NULL AND j.project_id = p.id) AS preemptions
  FROM projects p`;

function projectFromRow(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    created_at: row.created_at,
    preemption: projectPreemption(row),
    preemptions: row.preemptions,
  };
}

function projectPreemption(row: Pick<ProjectRow, 'preemptible' | 'checkpoint_signal' | 'grace_s' | 'min_runtime_s'>): ProjectPreemption {
  return { preemptible: row.preemptible === null ? null : row.preemptible === 1, checkpoint_signal: row.checkpoint_signal, grace_s: row.grace_s, min_runtime_s: row.min_runtime_s };
}

/** The project's id and its preemption defaults, as submit resolves a job's unset fields against them. */
export function projectDefaults(ctx: CoreContext, name: string): { id: number; preemption: ProjectPreemption } | null {
  const row = ctx.sql('SELECT id, preemptible, checkpoint_signal, grace_s, min_runtime_s FROM projects WHERE name = ?').get(name) as
    | (Pick<ProjectRow, 'id' | 'preemptible' | 'checkpoint_signal' | 'grace_s' | 'min_runtime_s'>)
    | undefined;
  return row ? { id: row.id, preemption: projectPreemption(row) } : null;
}

function writePreemption(ctx: CoreContext, name: string, preemption: Partial<ProjectPreemption>): void {
  const columns = { preemptible: preemption.preemptible === undefined ? undefined : preemption.preemptible === null ? null : preemption.preemptible ? 1 : 0, checkpoint_signal: preemption.checkpoint_signal, grace_s: preemption.grace_s, min_runtime_s: preemption.min_runtime_s };
  for (const [column, value] of Object.entries(columns)) {
    // Column names come from the fixed object above, never from the input.
    if (value !== undefined) ctx.sql(`UPDATE projects SET ${column} = ? WHERE name = ?`).run(value, name);
  }
}

export function createProject(ctx: CoreContext, input: unknown): Project {
  const spec = parseOrThrow(ProjectCreate, input);
  return ctx.tx(() => {
    if (ctx.sql('SELECT 1 FROM projects WHERE name = ?').get(spec.name)) throw new ConflictError(`project "${spec.name}" already exists`, 'name');
    ctx.sql('INSERT INTO projects (name, description, created_at) VALUES (?, ?, ?)').run(spec.name, spec.description, ctx.now());
    if (spec.preemption) writePreemption(ctx, spec.name, spec.preemption);
    return getProject(ctx, spec.name);
  });
}

export function updateProject(ctx: CoreContext, name: string, input: unknown): Project {
  const change = parseOrThrow(ProjectUpdate, input);
  return ctx.tx(() => {
    getProject(ctx, name);
    if (change.description !== undefined) ctx.sql('UPDATE projects SET description = ? WHERE name = ?').run(change.description, name);
    if (change.preemption) writePreemption(ctx, name, change.preemption);
    return getProject(ctx, name);
  });
}

export function getProject(ctx: CoreContext, name: string): Project {
  const row = ctx.sql(`${SELECT_PROJECTS} WHERE p.name = ?`).get(name) as ProjectRow | undefined;
  if (!row) throw new NotFoundError(`project "${name}" does not exist`, 'project');
  return projectFromRow(row);
}

export function listProjects(ctx: CoreContext): Project[] {
  return (ctx.sql(`${SELECT_PROJECTS} ORDER BY p.name`).all() as ProjectRow[]).map(projectFromRow);
}
