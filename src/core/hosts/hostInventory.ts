/**
 * The hosts table: what the user added (address, auth, jumps, labels) and what provisioning last
 * found (state, probe, agent). Only src/provision drives a host's lifecycle; this module stores it.
 * A host's shown state joins its worker: an agent that was started is `online`, `draining` or
 * `offline` as its worker is.
 */
import {
  HostAdd,
  NotFoundError,
  parseOrThrow,
  type Host,
  type HostProbe,
  type HostState,
  type PresentedKey,
  type SshEndpoint,
  type WorkerState,
} from '../../shared';
import type { CoreContext } from '../context';

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

export interface HostInventory {
  /** Adds the host, or updates the one with that name in place (its provisioning state is kept). */
  save(input: HostAdd): HostRecord;
  get(name: string): HostRecord;
  list(): HostRecord[];
  update(name: string, update: HostUpdate): HostRecord;
  remove(name: string): void;
  trustedKeys(host: string, port: number): TrustedKey[];
  trustKey(host: string, port: number, keyType: string, fingerprint: string): void;
}

export function createHostInventory(ctx: CoreContext, hasPassphrase: (name: string) => boolean = () => false): HostInventory {
  const read = (name: string): HostRow => {
    const row = ctx.sql('SELECT * FROM hosts WHERE name = ?').get(name) as HostRow | undefined;
    if (!row) throw new NotFoundError(`host ${name} does not exist (gantry hosts ls lists them)`, 'name');
    return row;
  };
  const record = (row: HostRow): HostRecord => toHostRecord(ctx, row, hasPassphrase);

  return {
    save(input) {
      const spec = parseOrThrow(HostAdd, input);
      ctx.tx(() => {
        const now = ctx.now();
        ctx.sql(`INSERT INTO hosts (name, address, port, user, identity_file, jump, labels, max_jobs, gpus, state, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'ready', ?, ?)
          ON CONFLICT (name) DO UPDATE SET address = excluded.address, port = excluded.port, user = excluded.user,
            identity_file = excluded.identity_file, jump = excluded.jump, labels = excluded.labels, max_jobs = excluded.max_jobs,
            gpus = excluded.gpus, desired = 'up', updated_at = excluded.updated_at`)
          .run(spec.name, spec.ssh.host, spec.ssh.port, spec.ssh.user, spec.identity_file, JSON.stringify(spec.jump), JSON.stringify(spec.labels),
            spec.max_jobs, spec.gpus === null ? null : JSON.stringify(spec.gpus), now, now);
      });
      return record(read(spec.name));
    },
    get: (name) => record(read(name)),
    list: () => (ctx.sql('SELECT * FROM hosts ORDER BY name').all() as HostRow[]).map(record),
    update(name, update) {
      const entries = Object.entries(update).filter(([, value]) => value !== undefined);
      ctx.tx(() => {
        read(name);
        if (entries.length === 0) return;
        const sets = entries.map(([key]) => `${key} = ?`).join(', ');
        const values = entries.map(([key, value]) => (JSON_FIELDS.has(key) && value !== null ? JSON.stringify(value) : (value as unknown)));
        ctx.sql(`UPDATE hosts SET ${sets}, updated_at = ? WHERE name = ?`).run(...values, ctx.now(), name);
      });
      return record(read(name));
    },
    remove(name) {
      ctx.tx(() => {
        read(name);
        ctx.sql('DELETE FROM hosts WHERE name = ?').run(name);
      });
    },
    trustedKeys: (host, port) => ctx.sql('SELECT key_type, fingerprint FROM host_keys WHERE host = ? AND port = ?').all(host, port) as TrustedKey[],
    trustKey(host, port, keyType, fingerprint) {
      ctx.tx(() => {
        ctx.sql(`INSERT INTO host_keys (host, port, key_type, fingerprint, trusted_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (host, port, key_type) DO UPDATE SET fingerprint = excluded.fingerprint, trusted_at = excluded.trusted_at`)
          .run(host, port, keyType, fingerprint, ctx.now());
      });
    },
  };
}
