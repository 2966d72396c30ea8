import type { HostRecord, HostUpdate } from '../../core';
import type { Host } from '../../shared';
import { HostKeyError, PassphraseError, SshAuthError, SshUnreachableError } from '../errors';

/** What a failed connection or bootstrap leaves on the host's record. */
export function stateForError(error: Error): HostUpdate {
  if (error instanceof HostKeyError) {
    return { state: error.presented.trusted_fingerprint ? 'key-changed' : 'unknown-key', presented_key: error.presented, error: error.message };
  }
  if (error instanceof SshAuthError || error instanceof PassphraseError) return { state: 'auth-failed', error: error.message };
  if (error instanceof SshUnreachableError) return { state: 'unreachable', error: error.message };
  return { state: 'error', error: error.message };
}

/** The wire shape: what stays inside the coordinator (token id, paths, tunnel port) is left out. */
export function toWireHost(record: HostRecord, hasPassphrase: boolean): Host {
  return {
    name: record.name,
    ssh: record.ssh,
    identity_file: record.identity_file,
    has_passphrase: hasPassphrase,
    jump: record.jump,
    labels: record.labels,
    max_jobs: record.max_jobs,
    gpus: record.gpus,
    state: record.state,
    error: record.error,
    presented_key: record.presented_key,
    probe: record.probe,
    agent_version: record.agent_version,
    reach: record.reach,
    worker_id: record.worker_id,
    created_at: record.created_at,
    updated_at: record.updated_at,
  };
}
