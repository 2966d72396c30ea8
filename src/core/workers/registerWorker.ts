/**
 * registerWorker / heartbeat / setWorkerState / deregisterWorker — a worker's life.
 * Registration with an enrolment token issues a worker credential bound to the worker id; an agent
 * that restarts presents that credential, keeps its id, and attempts it no longer holds are marked
 * lost (and requeued) at once instead of waiting for the lease. A name held by another live worker
 * is refused, never taken over; the name of an offline worker is reused with a fresh credential.
 * Events: worker.registered, worker.state, plus those of loseAttempt.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, GantryError, Heartbeat, WorkerRegister, parseOrThrow, type HeartbeatReply, type Worker } from '../../shared';
import type { CoreContext } from '../context';
import { emitHostStateOfWorker, hostStateOfWorker, hostStateOfWorkerName } from '../hosts/hostInventory';
import { loseAttempt } from '../queue/transitions/loseAttempt';
import { recordGpuSamples } from '../telemetry/gpuHistory';
import { hashToken } from '../tokens/tokenStore';
import { newWorkerCredential, workerByCredential } from './workerCredentials';
import { requireWorkerRow, toWorker, type WorkerRow } from './workerRows';

/** Who is registering: the holder of a worker credential, or a caller enrolling with a token (its id, when stored). */
export type Registrant = { credential: string } | { enrolledBy: number | null };

interface Identity {
  id: string;
  /** Set when a new credential is issued; null when the caller keeps the one it presented. */
  credential: string | null;
  /** Attempts the caller may say it still holds: only the credential's holder holds any. */
  mayHold: boolean;
  /** The token id a new credential is bound to. */
  enrolledBy: number | null;
}

function liveHolderOf(ctx: CoreContext, name: string, except: string | null): WorkerRow | undefined {
  return ctx.sql("SELECT * FROM workers WHERE name = ? AND state <> 'offline' AND id IS NOT ? LIMIT 1").get(name, except) as WorkerRow | undefined;
}

function resolveIdentity(ctx: CoreContext, name: string, registrant: Registrant): Identity {
  if ('credential' in registrant) {
    const holder = workerByCredential(ctx, registrant.credential);
    if (!holder) throw new GantryError('unauthorized', 'unknown or revoked worker credential');
    const live = liveHolderOf(ctx, name, holder.worker_id);
    if (live) throw new ConflictError(`worker name "${name}" is held by live worker ${live.id}`, 'name');
    return { id: holder.worker_id, credential: null, mayHold: true, enrolledBy: null };
  }
  const live = liveHolderOf(ctx, name, null);
  if (live) throw new ConflictError(`worker name "${name}" is held by live worker ${live.id}; register with its credential, or wait until it is offline`, 'name');
  const offline = ctx.sql('SELECT id FROM workers WHERE name = ? ORDER BY registered_at DESC LIMIT 1').get(name) as { id: string } | undefined;
  return { id: offline?.id ?? randomUUID(), credential: newWorkerCredential(), mayHold: false, enrolledBy: registrant.enrolledBy };
}

export function registerWorker(ctx: CoreContext, input: unknown, registrant: Registrant = { enrolledBy: null }): Worker & { credential: string | null } {
  const info = parseOrThrow(WorkerRegister, input);
  return ctx.tx(() => {
    const now = ctx.now();
    const identity = resolveIdentity(ctx, info.name, registrant);
    const id = identity.id;
    const existing = ctx.sql('SELECT state FROM workers WHERE id = ?').get(id) as { state: string } | undefined;
    const hostBefore = hostStateOfWorkerName(ctx, info.name);
    const gpuFree = Object.fromEntries(info.gpus.filter((g) => g.memory_free_mb !== null).map((g) => [g.index, g.memory_free_mb]));
    const state = existing?.state === 'draining' ? 'draining' : 'online';
    ctx.sql(`INSERT INTO workers (id, name, hostname, cpus, memory_mb, gpus, tags, version, state, gpu_free, registered_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, hostname = excluded.hostname, cpus = excluded.cpus, memory_mb = excluded.memory_mb, gpus = excluded.gpus,
        tags = excluded.tags, version = excluded.version, state = excluded.state, gpu_free = excluded.gpu_free, last_seen_at = excluded.last_seen_at,
        stop_requested = 0`)
      .run(id, info.name, info.hostname, info.cpus, info.memory_mb, JSON.stringify(info.gpus), JSON.stringify(info.tags), info.version, state, JSON.stringify(gpuFree), now, now);
    if (identity.credential !== null) {
      ctx.sql('UPDATE workers SET credential_hash = ?, enrolled_by = ? WHERE id = ?').run(hashToken(identity.credential), identity.enrolledBy, id);
      // An offline worker's id taken over by a new enrolment: the credential it had no longer stands.
      if (existing) ctx.credentialsChanged();
    }
    const held = new Set(identity.mayHold ? info.running.map((r) => `${r.job_id}/${r.attempt}`) : []);
    const open = ctx.sql('SELECT job_id, attempt FROM attempts WHERE worker_id = ? AND finished_at IS NULL').all(id) as Array<{ job_id: number; attempt: number }>;
    for (const a of open) if (!held.has(`${a.job_id}/${a.attempt}`)) loseAttempt(ctx, a.job_id, a.attempt, 'the worker restarted without it');
    ctx.sql('UPDATE attempts SET lease_expires_at = ? WHERE worker_id = ? AND finished_at IS NULL').run(now + ctx.settings.leaseTtlMs, id);
    ctx.emit('worker.registered', null, id, { name: info.name });
    emitHostStateOfWorker(ctx, id, hostBefore);
    return { ...toWorker(ctx, requireWorkerRow(ctx, id)), credential: identity.credential };
  });
}

/** Of these job ids, those whose jobs ended for good or no longer exist: nothing will resume from their checkpoints. */
function endedForGood(ctx: CoreContext, jobIds: number[]): number[] {
  if (jobIds.length === 0) return [];
  const rows = ctx.sql(`SELECT k.value AS id FROM json_each(?) k WHERE NOT EXISTS
    (SELECT 1 FROM jobs j WHERE j.id = k.value AND j.state NOT IN ('succeeded', 'failed', 'cancelled', 'blocked'))`).all(JSON.stringify(jobIds)) as Array<{ id: number }>;
  return rows.map((r) => r.id);
}

export function heartbeat(ctx: CoreContext, workerId: string, input: unknown): HeartbeatReply {
  const beat = parseOrThrow(Heartbeat, input ?? {});
  return ctx.tx(() => {
    const row = requireWorkerRow(ctx, workerId);
    const now = ctx.now();
    let state = row.state;
    const hostBefore = state === 'offline' ? hostStateOfWorker(ctx, workerId) : null;
    if (state === 'offline') {
      state = 'online';
      ctx.emit('worker.state', null, workerId, { state });
    }
    const gpuFree = beat.free?.gpus
      ? JSON.stringify(Object.fromEntries(beat.free.gpus.filter((g) => g.memory_free_mb !== null).map((g) => [g.index, g.memory_free_mb])))
      : row.gpu_free;
    // Skew as the beat arrives: the request's transit time counts too, which is why the health check's thresholds are seconds.
    const skew = beat.agent_time === undefined ? null : beat.agent_time - now;
    ctx.sql('UPDATE workers SET last_seen_at = ?, state = ?, gpu_free = ?, clock_skew_ms = COALESCE(?, clock_skew_ms) WHERE id = ?').run(now, state, gpuFree, skew, workerId);
    if (row.state === 'offline') emitHostStateOfWorker(ctx, workerId, hostBefore);
    ctx.sql('UPDATE attempts SET lease_expires_at = ? WHERE worker_id = ? AND finished_at IS NULL').run(now + ctx.settings.leaseTtlMs, workerId);
    recordGpuSamples(ctx, workerId, beat.gpu_samples);
    for (const usage of beat.job_gpu_usage) {
      ctx.sql('UPDATE attempts SET gpu_memory_used_mb = MAX(COALESCE(gpu_memory_used_mb, 0), ?) WHERE job_id = ? AND attempt = ? AND worker_id = ?')
        .run(usage.memory_used_mb, usage.job_id, usage.attempt, workerId);
    }
    const cancel = ctx.sql(`SELECT a.job_id, a.attempt FROM attempts a JOIN jobs j ON j.id = a.job_id
      WHERE a.worker_id = ? AND a.finished_at IS NULL AND NOT (j.state = 'running' AND j.attempt = a.attempt AND j.worker_id = a.worker_id)`)
      .all(workerId) as Array<{ job_id: number; attempt: number }>;
    const preempt = ctx.sql(`SELECT a.job_id, a.attempt, j.checkpoint_signal AS signal, j.grace_s, a.preempted_by AS by FROM attempts a JOIN jobs j ON j.id = a.job_id
      WHERE a.worker_id = ? AND a.finished_at IS NULL AND a.preempt_requested_at IS NOT NULL AND j.state = 'running' AND j.attempt = a.attempt`)
      .all(workerId) as HeartbeatReply['preempt'];
    return { cancel, lease_ttl_s: ctx.settings.leaseTtlMs / 1000, state, stop: row.stop_requested === 1, preempt, drop_checkpoints: endedForGood(ctx, beat.checkpoint_jobs) };
  });
}

export function setWorkerState(ctx: CoreContext, workerId: string, state: 'online' | 'draining'): Worker {
  return ctx.tx(() => {
    const row = requireWorkerRow(ctx, workerId);
    if (row.state === 'offline') throw new ConflictError(`worker ${workerId} is offline; it can be drained or resumed once it is back`, 'state');
    if (row.state !== state) {
      const hostBefore = hostStateOfWorker(ctx, workerId);
      ctx.sql('UPDATE workers SET state = ? WHERE id = ?').run(state, workerId);
      ctx.emit('worker.state', null, workerId, { state });
      emitHostStateOfWorker(ctx, workerId, hostBefore);
    }
    return toWorker(ctx, requireWorkerRow(ctx, workerId));
  });
}

/** `handedBack`: the worker said goodbye, so its unfinished jobs go back to the queue without spending an attempt. */
/** Asks the worker's agent to stop: it learns at its next heartbeat, hands its jobs back and exits. */
export function requestWorkerStop(ctx: CoreContext, workerId: string): Worker {
  return ctx.tx(() => {
    const row = requireWorkerRow(ctx, workerId);
    if (row.state === 'offline') throw new ConflictError(`worker ${workerId} is offline already`, 'state');
    if (row.stop_requested === 0) {
      ctx.sql('UPDATE workers SET stop_requested = 1 WHERE id = ?').run(workerId);
      ctx.emit('worker.state', null, workerId, { state: row.state, stop_requested: true });
    }
    return toWorker(ctx, requireWorkerRow(ctx, workerId));
  });
}

export function markWorkerOffline(ctx: CoreContext, workerId: string, reason: string, handedBack = false): void {
  ctx.tx(() => {
    requireWorkerRow(ctx, workerId);
    const hostBefore = hostStateOfWorker(ctx, workerId);
    const open = ctx.sql('SELECT job_id, attempt FROM attempts WHERE worker_id = ? AND finished_at IS NULL').all(workerId) as Array<{ job_id: number; attempt: number }>;
    for (const a of open) loseAttempt(ctx, a.job_id, a.attempt, reason, handedBack);
    const changed = ctx.sql("UPDATE workers SET state = 'offline' WHERE id = ? AND state <> 'offline'").run(workerId).changes;
    if (changed > 0) {
      ctx.emit('worker.state', null, workerId, { state: 'offline', reason });
      emitHostStateOfWorker(ctx, workerId, hostBefore);
    }
  });
}
