/**
 * submitJobs — inserts one job or a batch, all or nothing.
 * In: JobSubmit inputs; `depends_on` holds existing job ids or `{ref}` names of other batch items.
 * Refuses (ValidationError/NotFoundError naming the field): bad shapes, unknown projects or
 * dependencies, duplicate refs, cycles, GPU options without GPUs.
 * Out: the jobs, each waiting, queued or blocked per its dependencies' states, each filed under its
 * requirement shape (job_shapes) so claims scan one head per shape.
 * Events: job.submitted per job (data.state says where it started).
 */
import { JobSubmit, NotFoundError, PREEMPTION_DEFAULTS, ValidationError, parseOrThrow, type Job, type JobState, type ProjectPreemption } from '../../../shared';
import type { CoreContext } from '../../context';
import { projectDefaults } from '../../projects';
import { recordJobInputs, resolveInputs, resolveWorkDir } from '../../artifacts/jobInputs';
import { stateFromDependencies } from '../dependencyGraph';
import { jobFromRow } from '../jobRows';
import type { JobRow } from '../../store/rows';
import { joinSuite, shapeKey } from '../../suites/joinSuite';
import { MAX_ROWS_PER_STATEMENT, sqlByCount, valueRows } from '../../multiRowSql';
import { withInsertTallies } from '../talliesInCode';

interface Prepared {
  spec: JobSubmit;
  field: string;
  projectId: number;
  preemption: Resolved<ProjectPreemption>;
  deps: Array<number | string>;
  suiteId: number | null;
}

type Resolved<T> = { [K in keyof T]: Exclude<T[K], null> };

/** A job's preemption fields: its own, else its project's defaults, else the built-in ones. */
function resolvePreemption(spec: JobSubmit, project: ProjectPreemption): Resolved<ProjectPreemption> {
  return {
    preemptible: spec.preemptible ?? project.preemptible ?? PREEMPTION_DEFAULTS.preemptible,
    checkpoint_signal: spec.checkpoint_signal ?? project.checkpoint_signal ?? PREEMPTION_DEFAULTS.checkpoint_signal,
    grace_s: spec.grace_s ?? project.grace_s ?? PREEMPTION_DEFAULTS.grace_s,
    min_runtime_s: spec.min_runtime_s ?? project.min_runtime_s ?? PREEMPTION_DEFAULTS.min_runtime_s,
  };
}

function defaultName(spec: JobSubmit): string {
  const text = Array.isArray(spec.command) ? spec.command.join(' ') : spec.command.shell;
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function prepare(ctx: CoreContext, inputs: unknown[], batch: boolean): Prepared[] {
  const projects = new Map<string, { id: number; preemption: ProjectPreemption }>();
  const refs = new Set<string>();
  return inputs.map((input, index) => {
    const field = batch ? `jobs.${index}` : '';
    const spec = parseOrThrow(JobSubmit, input, field);
    const at = (name: string) => (field ? `${field}.${name}` : name);
    const req = spec.requirements;
    if (req.gpus === 0 && req.gpu_memory_mb !== null) throw new ValidationError(`${at('requirements.gpu_memory_mb')}: needs requirements.gpus of at least 1`, at('requirements.gpu_memory_mb'));
    if (req.gpus === 0 && req.gpu_models.length > 0) throw new ValidationError(`${at('requirements.gpu_models')}: needs requirements.gpus of at least 1`, at('requirements.gpu_models'));
    let project = projects.get(spec.project);
    if (project === undefined) {
      const row = projectDefaults(ctx, spec.project);
      if (!row) throw new NotFoundError(`${at('project')}: project "${spec.project}" does not exist`, at('project'));
      project = row;
      projects.set(spec.project, project);
    }
    if (spec.ref !== undefined) {
      if (refs.has(spec.ref)) throw new ValidationError(`${at('ref')}: ref "${spec.ref}" is used twice`, at('ref'));
      refs.add(spec.ref);
    }
    const deps = spec.depends_on.map((d) => (typeof d === 'number' ? d : d.ref));
    if (new Set(deps).size !== deps.length) throw new ValidationError(`${at('depends_on')}: lists a dependency twice`, at('depends_on'));
    if (spec.sync !== null && spec.cwd !== null) throw new ValidationError(`${at('cwd')}: a job with sync runs in its own copy of that directory; leave out cwd`, at('cwd'));
    const suiteId = joinSuite(ctx, spec, at);
    return { spec, field, projectId: project.id, preemption: resolvePreemption(spec, project.preemption), deps, suiteId };
  });
}

/** Orders batch items so each comes after the batch items it depends on; throws on a cycle. */
function topologicalOrder(items: Prepared[]): number[] {
  const byRef = new Map<string, number>();
  items.forEach((item, i) => item.spec.ref !== undefined && byRef.set(item.spec.ref, i));
  const mark = new Array<0 | 1 | 2>(items.length).fill(0);
  const order: number[] = [];
  const path: number[] = [];
  const visit = (start: number) => {
    // Iterative DFS: a batch may be a 100,000-long chain, deeper than the JS stack.
    const stack: Array<{ i: number; next: number }> = [{ i: start, next: 0 }];
    mark[start] = 1;
    path.push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const deps = items[frame.i].deps;
      if (frame.next < deps.length) {
        const dep = deps[frame.next++];
        if (typeof dep !== 'string') continue;
        const j = byRef.get(dep);
        const field = `${items[frame.i].field ? `${items[frame.i].field}.` : ''}depends_on`;
        if (j === undefined) throw new NotFoundError(`${field}: no job in this batch has ref "${dep}"`, field);
        if (mark[j] === 1) {
          const cycle = [...path.slice(path.indexOf(j)), j].map((k) => items[k].spec.ref).join(' → ');
          throw new ValidationError(`${field}: dependency cycle ${cycle}`, field);
        }
        if (mark[j] === 0) {
          mark[j] = 1;
          path.push(j);
          stack.push({ i: j, next: 0 });
        }
      } else {
        mark[frame.i] = 2;
        order.push(frame.i);
        path.pop();
        stack.pop();
      }
    }
  };
  for (let i = 0; i < items.length; i++) if (mark[i] === 0) visit(i);
  return order;
}

/** The job_shapes id of a requirements text, created on first use; memoised for one batch. */
function shapeIds(ctx: CoreContext): (requirements: string) => number {
  const known = new Map<string, number>();
  return (requirements) => {
    let id = known.get(requirements);
    if (id === undefined) {
      ctx.sql('INSERT INTO job_shapes (requirements) VALUES (?) ON CONFLICT (requirements) DO NOTHING').run(requirements);
      id = (ctx.sql('SELECT id FROM job_shapes WHERE requirements = ?').get(requirements) as { id: number }).id;
      known.set(requirements, id);
    }
    return id;
  };
}

/** The jobs columns a submit writes, in its INSERT's order. */
const INSERTED_COLUMNS = [
  'project_id', 'name', 'command', 'cwd', 'env', 'params', 'priority', 'requirements', 'shape_id', 'depends_on',
  'max_attempts', 'max_lost_attempts', 'timeout_s', 'retry_delay_s', 'retry_backoff', 'state', 'created_at', 'queued_at', 'finished_at', 'cwd_machine',
  'preemptible', 'checkpoint_signal', 'grace_s', 'min_runtime_s', 'secret_env', 'outputs', 'suite_id', 'inputs', 'keep_inputs',
] as const satisfies ReadonlyArray<keyof JobRow>;
type InsertedColumns = Pick<JobRow, (typeof INSERTED_COLUMNS)[number]>;
const JOB_COLUMNS = INSERTED_COLUMNS.join(', ');
const JOB_COLUMN_COUNT = INSERTED_COLUMNS.length;

/**
 * The job's row as the INSERT of `c` leaves it, the other columns at the schema's defaults
 * (foundation.ts, fleet.ts): the reply is built from it rather than read back (issue 19: reading a
 * job back cost ~7 µs of a submit's ~28). One literal, not a spread of the defaults: a spread of 41
 * properties made a dictionary-mode object that cost more than the read. has_dependents may become
 * 1 later in the batch; a Job does not show it.
 */
function insertedJobRow(id: number, c: InsertedColumns): JobRow {
  return {
    id, project_id: c.project_id, name: c.name, command: c.command, cwd: c.cwd, cwd_machine: c.cwd_machine, env: c.env, secret_env: c.secret_env,
    outputs: c.outputs, inputs: c.inputs, keep_inputs: c.keep_inputs, params: c.params, priority: c.priority, requirements: c.requirements,
    depends_on: c.depends_on, max_attempts: c.max_attempts, max_lost_attempts: c.max_lost_attempts, timeout_s: c.timeout_s, retry_delay_s: c.retry_delay_s,
    retry_backoff: c.retry_backoff, retry_at: null, shape_id: c.shape_id, sweep_id: null, suite_id: c.suite_id, state: c.state, attempt: 0, retry_base: 0,
    lost_attempts: 0, preempted_attempts: 0, preemptible: c.preemptible, checkpoint_signal: c.checkpoint_signal, grace_s: c.grace_s,
    min_runtime_s: c.min_runtime_s, has_dependents: 0, worker_id: null, exit_code: null, error: null, created_at: c.created_at, queued_at: c.queued_at,
    started_at: null, finished_at: c.finished_at, tally_mark: 0,
  };
}
const insertJobsSql = sqlByCount((count) => `INSERT INTO jobs (id, ${JOB_COLUMNS}) VALUES ${valueRows(count, JOB_COLUMN_COUNT + 1)}`);

/** The id the next job gets: past removed jobs too (the high-water mark), so an old job token never opens a new job. */
function firstFreeJobId(ctx: CoreContext): number {
  return (ctx.sql(`SELECT MAX(COALESCE(MAX(id), 0), COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'job_id_high_water'), 0)) + 1 AS id FROM jobs`).get() as { id: number }).id;
}

/** What a new job's tallies are keyed by (talliesInCode.ts). */
interface NewJobTally {
  state: JobState;
  projectId: number;
  shapeId: number | null;
}

/**
 * A batch's job rows, written as multi-row INSERTs of up to MAX_ROWS_PER_STATEMENT (issue 19): a
 * one-row INSERT into jobs cost ~28 µs, most of it per execution (each opens a write cursor on the
 * table and on each of its indexes; ~8 µs with the indexes dropped), against ~9 µs a row in one of
 * 64, which pays that once. Ids are numbered here as the one-row INSERT numbered them, so they come
 * out the same. The tallies a chunk of more than one row adds are written once for it (talliesInCode.ts).
 * What needs a job's row in place (rows referring to it, its dependencies' flag, its event) runs as
 * its `after`, in order, once its chunk is written, outside that: none of it changes a job's state.
 */
class JobRowBuffer {
  private values: unknown[] = [];
  private tallies: NewJobTally[] = [];
  private after: Array<() => void> = [];

  constructor(private readonly ctx: CoreContext, private nextId: number, private readonly createdAt: number) {}

  /** Queues a row of JOB_COLUMNS values (created at `createdAt`); returns the id it will have, which `after` is called with. */
  add(columns: unknown[], tally: NewJobTally, after: (id: number) => void): number {
    const id = this.nextId++;
    this.values.push(id, ...columns);
    this.tallies.push(tally);
    this.after.push(() => after(id));
    if (this.after.length === MAX_ROWS_PER_STATEMENT) this.write();
    return id;
  }

  write(): void {
    if (this.after.length === 0) return;
    const after = this.after;
    const tallies = this.tallies;
    const insert = () => this.ctx.sql(insertJobsSql(after.length)).run(...this.values);
    // One row is left to the trigger, as a claim of one is (claimJobs.ts, where the upsert measured dearer than the trigger for one row).
    if (after.length === 1) insert();
    else {
      withInsertTallies(this.ctx, (deltas) => {
        insert();
        for (const { state, projectId, shapeId } of tallies) deltas.inserted(state, this.createdAt, projectId, shapeId);
      });
    }
    this.values = [];
    this.tallies = [];
    this.after = [];
    for (const fn of after) fn();
  }
}

export function submitJobs(ctx: CoreContext, inputs: unknown[], batch: boolean): Job[] {
  if (inputs.length === 0) throw new ValidationError('jobs: the batch is empty', 'jobs');
  return ctx.tx(() => {
    const items = prepare(ctx, inputs, batch);
    const order = topologicalOrder(items);
    const ids = new Array<number>(items.length);
    const inserted = new Array<JobRow>(items.length);
    const states = new Map<number, JobState>();
    const byRef = new Map<string, number>();
    items.forEach((item, i) => item.spec.ref !== undefined && byRef.set(item.spec.ref, i));
    const now = ctx.now();
    const rows = new JobRowBuffer(ctx, firstFreeJobId(ctx), now);
    const shapeOf = shapeIds(ctx);
    const insertDep = ctx.sql('INSERT INTO job_deps (job_id, depends_on) VALUES (?, ?)');
    const markDependedOn = ctx.sql('UPDATE jobs SET has_dependents = 1 WHERE id = ? AND has_dependents = 0');
    const insertTag = ctx.sql('INSERT OR IGNORE INTO job_tags (tag, job_id) VALUES (?, ?)');
    const depState = ctx.sql('SELECT state FROM jobs WHERE id = ?');
    for (const i of order) {
      const { spec, field, projectId, preemption, deps, suiteId } = items[i];
      const depIds = deps.map((dep, k) => {
        if (typeof dep === 'string') return ids[byRef.get(dep) as number];
        const exists = states.has(dep) || depState.get(dep) !== undefined;
        if (!exists) {
          const f = `${field ? `${field}.` : ''}depends_on.${k}`;
          throw new NotFoundError(`${f}: job ${dep} does not exist`, f);
        }
        return dep;
      });
      const depStates = depIds.map((id) => states.get(id) ?? (depState.get(id) as { state: JobState }).state);
      const state = stateFromDependencies(depStates);
      const requirements = JSON.stringify(spec.requirements);
      const inputs = spec.inputs.length > 0 ? resolveInputs(ctx, spec.inputs, field ? `${field}.inputs` : 'inputs') : [];
      if (spec.sync !== null) inputs.push(resolveWorkDir(ctx, spec.sync, field ? `${field}.sync` : 'sync'));
      const columns: InsertedColumns = {
        project_id: projectId, name: spec.name ?? defaultName(spec), command: JSON.stringify(spec.command), cwd: spec.cwd, env: JSON.stringify(spec.env),
        params: JSON.stringify(spec.params), priority: spec.priority ?? 0, requirements, shape_id: shapeOf(shapeKey(requirements, suiteId)), depends_on: JSON.stringify(depIds),
        max_attempts: spec.max_attempts, max_lost_attempts: spec.max_lost_attempts, timeout_s: spec.timeout_s, retry_delay_s: spec.retry_delay_s, retry_backoff: spec.retry_backoff ? 1 : 0,
        state, created_at: now, queued_at: state === 'queued' ? now : null, finished_at: state === 'blocked' ? now : null, cwd_machine: spec.cwd_machine,
        preemptible: preemption.preemptible ? 1 : 0, checkpoint_signal: preemption.checkpoint_signal, grace_s: preemption.grace_s, min_runtime_s: preemption.min_runtime_s, secret_env: JSON.stringify(spec.secret_env),
        outputs: JSON.stringify(spec.outputs), suite_id: suiteId, inputs: JSON.stringify(inputs), keep_inputs: spec.keep_inputs ? 1 : 0,
      };
      const id = rows.add(INSERTED_COLUMNS.map((column) => columns[column]), { state, projectId, shapeId: columns.shape_id }, (id) => {
        // Rows that point at the job (inputs, deps, tags) and its dependencies' flags, once its row is written.
        recordJobInputs(ctx, id, inputs);
        for (const dep of depIds) {
          insertDep.run(id, dep);
          markDependedOn.run(dep);
        }
        for (const tag of spec.requirements.tags) insertTag.run(tag, id);
        // created_at, not the event's own time: a batch's events can straddle a millisecond, its jobs share one created_at.
        ctx.emit('job.submitted', id, null, { state, project: spec.project, created_at: now });
      });
      ids[i] = id;
      inserted[i] = insertedJobRow(id, columns);
      states.set(id, state);
    }
    rows.write();
    return inserted.map((row) => jobFromRow(ctx, row));
  });
}
