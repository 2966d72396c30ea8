/**
 * The hosts table: what the user added (address, auth, jumps, labels) and what provisioning last
 * found (state, probe, agent). Only src/provision drives a host's lifecycle; this module stores it.
 * A host's shown state joins its worker: an agent that was started is `online`, `draining` or
 * `offline` as its worker is.
 * Events (written in the transaction of the change they record, data HostEventData): host.added,
 * host.updated, host.trusted, host.state, host.upgraded, host.removed; see emitHostStateOfWorker for
 * the state changes its worker causes.
 */
import {
  HostAdd,
  NotFoundError,
  parseOrThrow,
  type Host,
  type HostProbe,
  type EventType,
  type HostEventData,
  type HostSnapshot,
  type HostState,
  type PresentedKey,
  type SshEndpoint,
  type WorkerState,
} from '../../shared';
import type { CoreContext } from '../context';
import { IN_ANY_PROJECT } from '../queue/jobsByState';

interface HostRow {
  name: string;
  address: string;
  port: number;
  user: string;
  identity_file: string | null;
  jump: string;
  labels: string;
  max_jobs: number | null;
  gpus: string | null;
  desired: 'up' | 'down';
  state: HostState;
  error: string | null;
  presented_key: string | null;
  probe: string | null;
  agent_version: string | null;
  agent_path: string | null;
  reach: 'direct' | 'tunnel' | null;
  tunnel_port: number | null;
  token_id: number | null;
  created_at: number;
  updated_at: number;
}

/** A host as provisioning needs it: the wire shape plus what stays inside the coordinator. */
export interface HostRecord extends Host {
  desired: 'up' | 'down';
  agent_path: string | null;
  tunnel_port: number | null;
  token_id: number | null;
}

/** Fields provisioning updates as it learns things; undefined leaves a field as it is. */
export interface HostUpdate {
  state?: HostState;
  error?: string | null;
  presented_key?: PresentedKey | null;
  probe?: HostProbe | null;
  agent_version?: string | null;
  agent_path?: string | null;
  reach?: 'direct' | 'tunnel' | null;
  tunnel_port?: number | null;
  token_id?: number | null;
  desired?: 'up' | 'down';
}

export interface TrustedKey {
  key_type: string;
  fingerprint: string;
}

const JSON_FIELDS = new Set(['presented_key', 'probe']);

/** Hosts whose agent was started show their worker's state. */
function shownState(row: HostRow, worker: { id: string; state: WorkerState } | undefined): HostState {
  if (row.state !== 'starting' && row.state !== 'online') return row.state;
  if (!worker) return 'starting';
  return worker.state;
}

function toHostRecord(ctx: CoreContext, row: HostRow, hasPassphrase: (name: string) => boolean): HostRecord {
  const worker = ctx.sql("SELECT id, state FROM workers WHERE name = ? ORDER BY state = 'offline', last_seen_at DESC LIMIT 1").get(row.name) as
    | { id: string; state: WorkerState }
    | undefined;
  return {
    name: row.name,
    ssh: { user: row.user, host: row.address, port: row.port },
    identity_file: row.identity_file,
    has_passphrase: hasPassphrase(row.name),
    jump: JSON.parse(row.jump) as SshEndpoint[],
    labels: JSON.parse(row.labels) as string[],
    max_jobs: row.max_jobs,
    gpus: row.gpus === null ? null : (JSON.parse(row.gpus) as number[]),
    state: shownState(row, worker),
    error: row.error,
    presented_key: row.presented_key === null ? null : (JSON.parse(row.presented_key) as PresentedKey),
    probe: row.probe === null ? null : (JSON.parse(row.probe) as HostProbe),
    agent_version: row.agent_version,
    reach: row.reach,
    worker_id: worker?.id ?? null,
    created_at: row.created_at,
    updated_at: row.updated_at,
    desired: row.desired,
    agent_path: row.agent_path,
    tunnel_port: row.tunnel_port,
    token_id: row.token_id,
  };
}

/** The host as events show it: the wire shape less what stays inside the coordinator and has_passphrase. */
function snapshotOf(record: HostRecord): HostSnapshot {
  const { desired: _desired, agent_path: _path, tunnel_port: _port, token_id: _token, has_passphrase: _passphrase, ...snapshot } = record;
  return snapshot;
}

function emitHostEvent(ctx: CoreContext, type: EventType, name: string, record: HostRecord | null, extra: Omit<HostEventData, 'name' | 'host'>): void {
  const data: HostEventData = { name, host: record && snapshotOf(record), ...extra };
  ctx.emit(type, null, record?.worker_id ?? null, data);
}

function hostRowOfWorkerName(ctx: CoreContext, workerName: string): HostRow | undefined {
  return ctx.sql('SELECT * FROM hosts WHERE name = ?').get(workerName) as HostRow | undefined;
}

/**
 * The state shown now by the host whose agent runs as the worker of this name (null when it is no
 * host's). Read before changing the worker, to give emitHostStateOfWorker the state it replaces.
 */
export function hostStateOfWorkerName(ctx: CoreContext, workerName: string): HostState | null {
  const row = hostRowOfWorkerName(ctx, workerName);
  return row ? toHostRecord(ctx, row, () => false).state : null;
}

/** As hostStateOfWorkerName, for a worker known by id (null also when there is no such worker yet). */
export function hostStateOfWorker(ctx: CoreContext, workerId: string): HostState | null {
  const worker = ctx.sql('SELECT name FROM workers WHERE id = ?').get(workerId) as { name: string } | undefined;
  return worker ? hostStateOfWorkerName(ctx, worker.name) : null;
}

/**
 * The host whose agent runs as this worker shows the worker's state (online, draining, offline):
 * registerWorker and friends call this next to their worker.* event so a host.state follows in the
 * same transaction, with `previous` (hostStateOfWorker read before the change) as its previous_state.
 * Workers that are no host's (local, Slurm pilots) cost one indexed lookup.
 */
export function emitHostStateOfWorker(ctx: CoreContext, workerId: string, previous: HostState | null): void {
  const row = ctx.sql('SELECT h.* FROM workers w JOIN hosts h ON h.name = w.name WHERE w.id = ?').get(workerId) as HostRow | undefined;
  if (!row || (row.state !== 'starting' && row.state !== 'online')) return;
  emitHostEvent(ctx, 'host.state', row.name, toHostRecord(ctx, row, () => false), { previous_state: previous });
}

export interface HostInventory {
  /** Adds the host, or updates the one with that name in place (its provisioning state is kept). */
  save(input: HostAdd): HostRecord;
  get(name: string): HostRecord;
  list(): HostRecord[];
  update(name: string, update: HostUpdate): HostRecord;
  remove(name: string): void;
  trustedKeys(host: string, port: number): TrustedKey[];
  /** Working directories of unfinished jobs (waiting, queued, running) inside synced copies (`.gantry/sync/`): those copies must stay. */
  syncedCwdsInUse(): string[];
  /** Trusts a key for an endpoint; `forHost` names the host whose connection presented it (for its host.trusted event). */
  trustKey(host: string, port: number, keyType: string, fingerprint: string, forHost?: string): void;
}

export function createHostInventory(ctx: CoreContext, hasPassphrase: (name: string) => boolean = () => false): HostInventory {
  const read = (name: string): HostRow => {
    const row = ctx.sql('SELECT * FROM hosts WHERE name = ?').get(name) as HostRow | undefined;
    if (!row) throw new NotFoundError(`host ${name} does not exist (gantry hosts ls lists them)`, 'name');
    return row;
  };
  const record = (row: HostRow): HostRecord => toHostRecord(ctx, row, hasPassphrase);
  /** A change of shown state or of its error is a host.state; a different agent replacing one is a host.upgraded. */
  const emitChanges = (before: HostRecord, after: HostRecord): void => {
    if (after.state !== before.state || after.error !== before.error) emitHostEvent(ctx, 'host.state', after.name, after, { previous_state: before.state });
    if (before.agent_version !== null && after.agent_version !== null && after.agent_version !== before.agent_version) {
      emitHostEvent(ctx, 'host.upgraded', after.name, after, { previous_state: before.state, previous_version: before.agent_version });
    }
  };

  return {
    save(input) {
      const spec = parseOrThrow(HostAdd, input);
      return ctx.tx(() => {
        const before = ctx.sql('SELECT * FROM hosts WHERE name = ?').get(spec.name) as HostRow | undefined;
        const previous = before ? record(before).state : null;
        const now = ctx.now();
        ctx.sql(`INSERT INTO hosts (name, address, port, user, identity_file, jump, labels, max_jobs, gpus, state, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?)
          ON CONFLICT (name) DO UPDATE SET address = excluded.address, port = excluded.port, user = excluded.user,
            identity_file = excluded.identity_file, jump = excluded.jump, labels = excluded.labels, max_jobs = excluded.max_jobs,
            gpus = excluded.gpus, desired = 'up', updated_at = excluded.updated_at`)
          .run(spec.name, spec.ssh.host, spec.ssh.port, spec.ssh.user, spec.identity_file, JSON.stringify(spec.jump), JSON.stringify(spec.labels),
            spec.max_jobs, spec.gpus === null ? null : JSON.stringify(spec.gpus), now, now);
        const saved = record(read(spec.name));
        emitHostEvent(ctx, before ? 'host.updated' : 'host.added', spec.name, saved, { previous_state: previous });
        return saved;
      });
    },
    get: (name) => record(read(name)),
    list: () => (ctx.sql('SELECT * FROM hosts ORDER BY name').all() as HostRow[]).map(record),
    update(name, update) {
      const entries = Object.entries(update).filter(([, value]) => value !== undefined);
      return ctx.tx(() => {
        const before = record(read(name));
        if (entries.length === 0) return before;
        const sets = entries.map(([key]) => `${key} = ?`).join(', ');
        const values = entries.map(([key, value]) => (JSON_FIELDS.has(key) && value !== null ? JSON.stringify(value) : (value as unknown)));
        ctx.sql(`UPDATE hosts SET ${sets}, updated_at = ? WHERE name = ?`).run(...values, ctx.now(), name);
        const after = record(read(name));
        emitChanges(before, after);
        return after;
      });
    },
    remove(name) {
      ctx.tx(() => {
        const before = record(read(name));
        ctx.sql('DELETE FROM hosts WHERE name = ?').run(name);
        emitHostEvent(ctx, 'host.removed', name, null, { previous_state: before.state });
      });
    },
    syncedCwdsInUse: () =>
      (ctx.sql(`SELECT DISTINCT cwd FROM jobs WHERE ${IN_ANY_PROJECT} AND state IN ('waiting', 'queued', 'running') AND cwd LIKE '%.gantry/sync/%'`).all() as Array<{ cwd: string }>).map((r) => r.cwd),
    trustedKeys: (host, port) => ctx.sql('SELECT key_type, fingerprint FROM host_keys WHERE host = ? AND port = ?').all(host, port) as TrustedKey[],
    trustKey(host, port, keyType, fingerprint, forHost) {
      ctx.tx(() => {
        ctx.sql(`INSERT INTO host_keys (host, port, key_type, fingerprint, trusted_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (host, port, key_type) DO UPDATE SET fingerprint = excluded.fingerprint, trusted_at = excluded.trusted_at`)
          .run(host, port, keyType, fingerprint, ctx.now());
        const owner = forHost === undefined ? undefined : (ctx.sql('SELECT * FROM hosts WHERE name = ?').get(forHost) as HostRow | undefined);
        if (owner) {
          const current = record(owner);
          emitHostEvent(ctx, 'host.trusted', owner.name, current, { previous_state: current.state, fingerprint, endpoint: { host, port } });
        }
      });
    },
  };
}
