import type { Client } from 'ssh2';
import { directTag, type ClusterRecord, type Coordinator, type DirectTaskRecord, type SecretStore } from '../../core';
import { NotFoundError, type FinishRequest, type Job } from '../../shared';
import { RemoteCommandError } from '../errors';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';
import { directBatches, directJobName } from './directScript';
import { endedJobs, sbatch, scancel, squeueByName, type SlurmEnd } from './slurmCommands';

const credentialKey = (cluster: string): string => `slurm.${cluster}.direct-credential`;
/** Most output read back per task per pass; the rest comes on the next pass. */
const READ_CHUNK = 1024 * 1024;
/** Most jobs sent to Slurm in one pass. */
const SEND_MAX = 1000;
/** How long a job may be gone from squeue with neither sacct nor scontrol knowing how it ended. */
const UNKNOWN_END_MS = 10 * 60_000;
/** squeue states of a job Slurm has not started. */
const NOT_STARTED = new Set(['SUBMITTED', 'PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'SUSPENDED']);

/** Reads bytes `offset…` of a file (at most `max`) as base64 so any byte survives the trip; prints nothing when the file is missing. */
const READ_SCRIPT = '[ -f "$1" ] && tail -c +"$(($2 + 1))" "$1" | head -c "$3" | base64 | tr -d "\\n"; exit 0';

type Result = Omit<FinishRequest, 'attempt'>;

/** The attempt's result for how Slurm says the job ended. */
export function resultOfEnd(end: SlurmEnd): Result {
  const id = end.slurm_job_id;
  const how = end.signal !== null ? `killed by signal ${end.signal}` : `exit code ${end.exit_code}`;
  switch (end.state) {
    case 'COMPLETED':
      return end.exit_code === 0 ? { outcome: 'succeeded', exit_code: 0, error: null } : { outcome: 'failed', exit_code: end.exit_code, error: `exited with ${end.exit_code}` };
    case 'FAILED':
      return { outcome: 'failed', exit_code: end.exit_code, error: end.exit_code !== null ? `exited with ${end.exit_code}` : `Slurm job ${id} failed (${how})` };
    case 'OUT_OF_MEMORY':
      return { outcome: 'failed', exit_code: end.exit_code, error: `Slurm job ${id} ran out of memory (OUT_OF_MEMORY, ${how}); ask for more with --mem` };
    case 'TIMEOUT':
    case 'DEADLINE':
      return { outcome: 'timed_out', exit_code: end.exit_code, error: `Slurm job ${id} reached its time limit (${end.state})` };
    case 'CANCELLED':
      return { outcome: 'cancelled', exit_code: end.exit_code, error: `cancelled in Slurm (scancel ${id} outside Gantry)` };
    default:
      return { outcome: 'failed', exit_code: end.exit_code, error: `Slurm job ${id} ended ${end.state} (${how}); see its output` };
  }
}

/**
 * sbatch's reason when it refused the script for good (`sbatch: error: Invalid generic resource
 * (gres) specification`, `… Batch job submission failed: Invalid partition name specified`); null
 * for other failures (SSH, a controller that did not answer), which the next pass tries again.
 */
export function sbatchRefusal(error: unknown): string | null {
  if (!(error instanceof RemoteCommandError)) return null;
  const said = [...error.message.matchAll(/sbatch: error: ([^\n]+)/g)].map((m) => m[1].replace(/^Batch job submission failed: /, '').trim());
  const refused = said.at(-1);
  if (!refused || /timed out|connect|contact|try again|temporarily|busy|unavailable/i.test(refused)) return null;
  return refused;
}

/**
 * Per-job mode for one cluster. A worker of the coordinator's own (the cluster's `NAME-direct`,
 * tagged `slurm-direct:NAME`) stands for the cluster. Each pass sends the jobs that wait to Slurm
 * while they are still queued (a sweep as one array), so a job reads `queued`, with squeue's
 * reason in `gantry why`, while Slurm keeps it pending; it is claimed, and reads `running`, once
 * squeue shows it started. Its output file is appended to its log; once it leaves squeue, sacct
 * says how it ended. Jobs cancelled in Gantry are scancelled.
 */
export class DirectJobs {
  private workerId: string | null = null;
  /** When a task was first seen gone from squeue with no end known yet. */
  private readonly goneSince = new Map<string, number>();

  constructor(private readonly cluster: string, private readonly coordinator: Coordinator, private readonly secrets: SecretStore, private readonly now: () => number = Date.now) {}

  private get tasks() {
    return this.coordinator.slurm.direct;
  }

  /** Registers the cluster's direct worker, keeping the attempts it holds when it registers again (restart). */
  private worker(record: ClusterRecord): string {
    if (this.workerId) return this.workerId;
    const running = this.tasks.list(this.cluster).filter((t) => this.claimed(t, this.job(t))).map((t) => ({ job_id: t.job_id, attempt: t.attempt }));
    const credential = this.secrets.get(credentialKey(this.cluster));
    const info = { name: `${this.cluster}-direct`, hostname: record.login, cpus: 100_000, memory_mb: 1_000_000_000, tags: [directTag(this.cluster)], version: 'slurm-direct', running };
    let registered;
    try {
      registered = this.coordinator.registerWorker(info, credential ? { credential } : { enrolledBy: null });
    } catch (error) {
      if (!credential) throw error;
      // The credential was forgotten (its worker removed): enrol afresh.
      registered = this.coordinator.registerWorker(info, { enrolledBy: null });
    }
    if (registered.credential) this.secrets.set(credentialKey(this.cluster), registered.credential);
    this.workerId = registered.id;
    return registered.id;
  }

  /** Whether a pass has anything to do: jobs waiting for Slurm, tasks in it, or a worker to keep alive. */
  get busy(): boolean {
    return this.workerId !== null || this.coordinator.slurm.waitingDirect(this.cluster) > 0 || this.tasks.list(this.cluster).length > 0;
  }

  async pass(client: Client, record: ClusterRecord, dir: string): Promise<void> {
    const workerId = this.worker(record);
    let reply;
    try {
      reply = this.coordinator.heartbeat(workerId, {});
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      this.workerId = null;
      return;
    }
    await this.cancel(client, reply.cancel);
    await this.mirror(client);
    await this.send(client, record, dir);
  }

  /** Sends what waits to Slurm, still queued: each job for the attempt its claim will open. */
  private async send(client: Client, record: ClusterRecord, dir: string): Promise<void> {
    const jobs = this.coordinator.slurm.unsentDirect(this.cluster, SEND_MAX);
    for (const batch of directBatches({ spec: record, dir, jobs })) {
      let id: string;
      try {
        id = await sbatch(client, batch.script);
      } catch (error) {
        const refusal = sbatchRefusal(error);
        if (refusal === null) throw error;
        this.refuse(batch.jobs, refusal);
        continue;
      }
      this.tasks.add(this.cluster, batch.jobs.map((job, i) => {
        const slurmJobId = batch.array ? `${id}_${i}` : id;
        return { slurm_job_id: slurmJobId, job_id: job.id, attempt: job.attempt + 1, out_file: `${dir}/${slurmJobId}.out` };
      }));
    }
  }

  /** Jobs Slurm will never take as asked (GPUs it does not have, a partition that does not exist) fail with sbatch's words. */
  private refuse(jobs: Job[], refusal: string): void {
    for (const job of jobs) {
      const claimed = this.coordinator.claimJob(this.workerId as string, job.id);
      if (claimed) this.coordinator.finish(job.id, { attempt: claimed.attempt, outcome: 'failed', exit_code: null, error: `Slurm cluster ${this.cluster} refused the job: ${refusal}` });
    }
  }

  private job(task: DirectTaskRecord): Job | null {
    try {
      return this.coordinator.getJob(task.job_id);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** The task's job runs as the attempt the task was sent for, held by this worker. */
  private claimed(task: DirectTaskRecord, job: Job | null): boolean {
    return job !== null && job.state === 'running' && job.attempt === task.attempt && (this.workerId === null || job.worker_id === this.workerId);
  }

  /** Claims the task's job now that Slurm started it; false when the job is no longer there to claim. */
  private claim(task: DirectTaskRecord): boolean {
    const claimed = this.coordinator.claimJob(this.workerId as string, task.job_id);
    if (!claimed) return false;
    if (claimed.attempt !== task.attempt) {
      this.tasks.update(this.cluster, task.slurm_job_id, { attempt: claimed.attempt });
      task.attempt = claimed.attempt;
    }
    return true;
  }

  private async cancel(client: Client, attempts: Array<{ job_id: number; attempt: number }>): Promise<void> {
    if (attempts.length === 0) return;
    const wanted = new Set(attempts.map((a) => `${a.job_id}/${a.attempt}`));
    const tasks = this.tasks.list(this.cluster).filter((t) => wanted.has(`${t.job_id}/${t.attempt}`));
    await scancel(client, tasks.map((t) => t.slurm_job_id));
    for (const t of tasks) this.finish(t, { outcome: 'cancelled', exit_code: null, error: `cancelled; scancel ${t.slurm_job_id}` });
  }

  private async mirror(client: Client): Promise<void> {
    const tasks = this.tasks.list(this.cluster);
    if (tasks.length === 0) return;
    const shown = new Map((await squeueByName(client, directJobName(this.cluster))).map((s) => [s.slurm_job_id, s]));
    const stale: DirectTaskRecord[] = [];
    const gone: DirectTaskRecord[] = [];
    for (const task of tasks) {
      const job = this.job(task);
      let claimed = this.claimed(task, job);
      // Cancelled, removed or re-queued in Gantry before Slurm ran it: Slurm's copy goes.
      if (!claimed && !(job?.state === 'queued' && job.attempt + 1 === task.attempt)) {
        stale.push(task);
        continue;
      }
      const status = shown.get(task.slurm_job_id);
      if (!status) {
        gone.push(task);
        continue;
      }
      this.tasks.update(this.cluster, task.slurm_job_id, { state: status.state, reason: status.reason });
      if (!claimed && !NOT_STARTED.has(status.state)) claimed = this.claim(task);
      if (claimed) await this.streamLog(client, task);
    }
    if (stale.length > 0) {
      await scancel(client, stale.map((t) => t.slurm_job_id));
      for (const t of stale) this.tasks.remove(this.cluster, t.slurm_job_id);
    }
    await this.finishGone(client, gone);
  }

  /** Tasks gone from squeue: claimed if they ran between two passes, their output read to the end, then finished as Slurm says they ended. */
  private async finishGone(client: Client, gone: DirectTaskRecord[]): Promise<void> {
    if (gone.length === 0) return;
    const ends = new Map((await endedJobs(client, gone.map((t) => t.slurm_job_id))).map((e) => [e.slurm_job_id, e]));
    for (const task of gone) {
      const end = ends.get(task.slurm_job_id);
      if (!end) {
        this.unknownEnd(task);
        continue;
      }
      this.goneSince.delete(task.slurm_job_id);
      if (!this.claimed(task, this.job(task)) && !this.claim(task)) {
        this.tasks.remove(this.cluster, task.slurm_job_id);
        continue;
      }
      let more = true;
      while (more) more = await this.streamLog(client, task);
      this.tasks.update(this.cluster, task.slurm_job_id, { state: end.state, reason: null });
      this.finish(task, resultOfEnd(end));
    }
  }

  /** sacct may lag behind squeue; a task that stays unknown is failed rather than waited for forever. */
  private unknownEnd(task: DirectTaskRecord): void {
    const since = this.goneSince.get(task.slurm_job_id) ?? this.now();
    this.goneSince.set(task.slurm_job_id, since);
    if (this.now() - since < UNKNOWN_END_MS) return;
    this.goneSince.delete(task.slurm_job_id);
    if (this.claimed(task, this.job(task)) || this.claim(task)) {
      this.finish(task, { outcome: 'failed', exit_code: null, error: `Slurm job ${task.slurm_job_id} left squeue and neither sacct nor scontrol knows how it ended; see its output` });
    } else {
      this.tasks.remove(this.cluster, task.slurm_job_id);
    }
  }

  /** Appends the task's new output to the job's log; true when something was read. */
  private async streamLog(client: Client, task: DirectTaskRecord): Promise<boolean> {
    const text = await runRemote(client, shScript(READ_SCRIPT, [task.out_file, String(task.log_offset), String(READ_CHUNK)]), 'reading job output');
    const data = Buffer.from(text.trim(), 'base64');
    if (data.length === 0) return false;
    this.coordinator.appendLog(task.job_id, task.attempt, task.log_seq, data, 'stdout');
    task.log_offset += data.length;
    task.log_seq += 1;
    this.tasks.update(this.cluster, task.slurm_job_id, { log_offset: task.log_offset, log_seq: task.log_seq });
    return true;
  }

  private finish(task: DirectTaskRecord, result: Result): void {
    try {
      this.coordinator.finish(task.job_id, { attempt: task.attempt, ...result });
    } catch {
      // The attempt was already closed (cancelled, or lost while the coordinator was down): nothing to record.
    }
    this.tasks.remove(this.cluster, task.slurm_job_id);
  }

  /** Cancels every task still in Slurm (the cluster is being removed) and takes its worker offline. */
  async removeAll(client: Client): Promise<void> {
    const tasks = this.tasks.list(this.cluster);
    await scancel(client, tasks.map((t) => t.slurm_job_id));
    if (this.workerId) this.coordinator.deregisterWorker(this.workerId);
    this.secrets.delete(credentialKey(this.cluster));
  }
}
