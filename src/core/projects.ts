import { ConflictError, NotFoundError, ProjectCreate, parseOrThrow, type Project } from '../shared';
import type { CoreContext } from './context';

export function createProject(ctx: CoreContext, input: unknown): Project {
  const spec = parseOrThrow(ProjectCreate, input);
  return ctx.tx(() => {
    if (ctx.sql('SELECT 1 FROM projects WHERE name = ?').get(spec.name)) throw new ConflictError(`project "${spec.name}" already exists`, 'name');
    ctx.sql('INSERT INTO projects (name, description, created_at) VALUES (?, ?, ?)').run(spec.name, spec.description, ctx.now());
    return getProject(ctx, spec.name);
  });
}

export function getProject(ctx: CoreContext, name: string): Project {
  const row = ctx.sql('SELECT id, name, description, created_at FROM projects WHERE name = ?').get(name) as Project | undefined;
  if (!row) throw new NotFoundError(`project "${name}" does not exist`, 'project');
  return row;
}

export function listProjects(ctx: CoreContext): Project[] {
  return ctx.sql('SELECT id, name, description, created_at FROM projects ORDER BY name').all() as Project[];
}
