import type { Worker } from '../../shared';
import { usageError } from '../exitCodes';

/**
 * The worker a command names, by id or by name (`gantry workers drain local`). A name held by several
 * workers (old registrations stay listed offline) means the one that is not offline; if that still
 * leaves more than one, the user must pick an id.
 */
export function resolveWorker(workers: readonly Worker[], ref: string): Worker {
  const byId = workers.find((worker) => worker.id === ref);
  if (byId) return byId;
  const named = workers.filter((worker) => worker.name === ref);
  const live = named.filter((worker) => worker.state !== 'offline');
  const candidates = live.length > 0 ? live : named;
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) {
    const known = [...new Set(workers.map((worker) => worker.name))];
    throw usageError(`no worker has the id or name "${ref}"${known.length ? `; workers: ${known.join(', ')}` : ''}`);
  }
  throw usageError(`${candidates.length} workers are named "${ref}"; give an id: ${candidates.map((worker) => worker.id).join(', ')}`);
}
