import type { Client } from 'ssh2';
import { directTag, type ClusterRecord, type Coordinator, type DirectTaskRecord, type SecretStore } from '../../core';
import { NotFoundError } from '../../shared';
import { runRemote } from '../ssh/remoteExec';
import { shScript } from '../ssh/shellQuote';
import { directJobName, directScript } from './directScript';
import { sbatch, scancel, squeueByName } from './slurmCommands';

const credentialKey = (cluster: string): string => `slurm.${cluster}.direct-credential`;
/** Most output read back per task per pass; the rest comes on the next pass. */
const READ_CHUNK = 1024 * 1024;

/** Reads bytes `offset…` of a file (at most `max`) as base64 so any byte survives the trip; prints nothing when the file is missing. */
const READ_SCRIPT = '[ -f "$1" ] && tail -c +"$(($2 + 1))" "$1" | head -c "$3" | base64 | tr -d "\\n"; exit 0';
const EXIT_SCRIPT = '[ -f "$1" ] && cat "$1"; exit 0';

/**
 * Per-job mode for one cluster. A worker of the coordinator's own (the cluster's `NAME-direct`,
 * tagged `slurm-direct:NAME`) claims such jobs, so they go through the same transitions as any
 * other: each pass claims what waits and sends it to Slurm as one job array, mirrors each task's
 * squeue state, appends its new output to the job's log, finishes it from its exit file once
 * squeue no longer shows it, and scancels what the coordinator cancelled.
 */
export class DirectJobs {
  private workerId: string | null = null;

  constructor(private readonly cluster: string, private readonly coordinator: Coordinator, private readonly secrets: SecretStore) {}

  private get tasks() {
    return this.coordinator.slurm.direct;
  }

  /** Registers the cluster's direct worker, keeping its open attempts when it registers again (restart). */
  private worker(record: ClusterRecord): string {
    if (this.workerId) return this.workerId;
    const running = this.tasks.list(this.cluster).map((t) => ({ job_id: t.job_id, attempt: t.attempt }));
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
    const claimed = this.coordinator.claim(workerId, { max: 1000 });
    if (claimed.length === 0) return;
    const arrayId = await sbatch(client, directScript({ spec: record, dir, claimed }));
    this.tasks.add(this.cluster, claimed.map((c, i) => ({ slurm_job_id: `${arrayId}_${i}`, job_id: c.job.id, attempt: c.attempt, out_file: `${dir}/${arrayId}_${i}.out` })));
  }

  private async cancel(client: Client, attempts: Array<{ job_id: number; attempt: number }>): Promise<void> {
    if (attempts.length === 0) return;
    const wanted = new Set(attempts.map((a) => `${a.job_id}/${a.attempt}`));
    const tasks = this.tasks.list(this.cluster).filter((t) => wanted.has(`${t.job_id}/${t.attempt}`));
    await scancel(client, tasks.map((t) => t.slurm_job_id));
    for (const t of tasks) {
      this.finish(t, { outcome: 'cancelled', exit_code: null, error: `cancelled; scancel ${t.slurm_job_id}` });
    }
  }

  private async mirror(client: Client): Promise<void> {
    const tasks = this.tasks.list(this.cluster);
    if (tasks.length === 0) return;
    const shown = new Map((await squeueByName(client, directJobName(this.cluster))).map((s) => [s.slurm_job_id, s]));
    for (const task of tasks) {
      const status = shown.get(task.slurm_job_id);
      await this.streamLog(client, task);
      if (status) {
        this.tasks.update(this.cluster, task.slurm_job_id, { state: status.state, reason: status.reason });
        continue;
      }
      // Gone from squeue: ended. What is left of its output first, then its exit status.
      let more = true;
      while (more) more = await this.streamLog(client, task);
      const exit = (await runRemote(client, shScript(EXIT_SCRIPT, [`${task.out_file}.exit`]), 'reading an exit status')).trim();
      const code = /^\d+$/.test(exit) ? Number(exit) : null;
      if (code === 0) this.finish(task, { outcome: 'succeeded', exit_code: 0, error: null });
      else if (code !== null) this.finish(task, { outcome: 'failed', exit_code: code, error: `exited with ${code}` });
      else this.finish(task, { outcome: 'failed', exit_code: null, error: `Slurm job ${task.slurm_job_id} ended without an exit status (cancelled, timed out or its node failed); see its output` });
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

  private finish(task: DirectTaskRecord, result: { outcome: 'succeeded' | 'failed' | 'cancelled'; exit_code: number | null; error: string | null }): void {
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
