/**
 * Per-job mode: each attempt sent to Slurm as its own job or array task (sent while the job is
 * still queued, for the attempt its claim will open, and claimed once Slurm starts it), with what
 * squeue last said of it
 * and how much of its output file the job's log already has. Kept in the database so a restarted
 * coordinator goes on mirroring tasks that still run instead of losing them.
 */
import type { SlurmDirectTask } from '../../shared';
import type { CoreContext } from '../context';

export interface DirectTaskRecord extends SlurmDirectTask {
  /** The task's output file on the login node, streamed back as the job's log. */
  out_file: string;
  /** Bytes of the output file already in the job's log, and the next log chunk number. */
  log_offset: number;
  log_seq: number;
}

export interface DirectTaskStore {
  add(cluster: string, tasks: Array<Pick<DirectTaskRecord, 'slurm_job_id' | 'job_id' | 'attempt' | 'out_file'>>): void;
  list(cluster: string): DirectTaskRecord[];
  update(cluster: string, slurmJobId: string, update: Partial<Pick<DirectTaskRecord, 'attempt' | 'state' | 'reason' | 'log_offset' | 'log_seq'>>): void;
  remove(cluster: string, slurmJobId: string): void;
}

const FIELDS = new Set(['attempt', 'state', 'reason', 'log_offset', 'log_seq']);

export function createDirectTaskStore(ctx: CoreContext): DirectTaskStore {
  return {
    add(cluster, tasks) {
      ctx.tx(() => {
        const now = ctx.now();
        const insert = ctx.sql(`INSERT INTO slurm_direct_tasks (cluster, slurm_job_id, job_id, attempt, out_file, state, reason, log_offset, log_seq, submitted_at)
          VALUES (?, ?, ?, ?, ?, 'SUBMITTED', NULL, 0, 0, ?)`);
        for (const t of tasks) insert.run(cluster, t.slurm_job_id, t.job_id, t.attempt, t.out_file, now);
      });
    },
    list: (cluster) => ctx.sql('SELECT * FROM slurm_direct_tasks WHERE cluster = ? ORDER BY submitted_at, job_id').all(cluster) as DirectTaskRecord[],
    update(cluster, slurmJobId, update) {
      const entries = Object.entries(update).filter(([key, value]) => FIELDS.has(key) && value !== undefined);
      if (entries.length === 0) return;
      ctx.tx(() => {
        ctx.sql(`UPDATE slurm_direct_tasks SET ${entries.map(([key]) => `${key} = ?`).join(', ')} WHERE cluster = ? AND slurm_job_id = ?`).run(...entries.map(([, v]) => v as unknown), cluster, slurmJobId);
      });
    },
    remove(cluster, slurmJobId) {
      ctx.tx(() => {
        ctx.sql('DELETE FROM slurm_direct_tasks WHERE cluster = ? AND slurm_job_id = ?').run(cluster, slurmJobId);
      });
    },
  };
}
