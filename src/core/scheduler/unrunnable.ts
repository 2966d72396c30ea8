/**
 * Which queued jobs can never run as things stand: their requirement shape fits no worker ever
 * seen (online, draining or offline), even idle. Computed per shape, so it costs one check per
 * shape and worker, not per job. With no worker seen yet nothing is known, and nothing is reported.
 */
import type { CoreContext } from '../context';
import { toWorkerSpec, type WorkerRow } from '../workers/workerRows';
import { couldEverFit } from './capacity';
import { queuedShapes } from './queuedShapes';

export interface UnrunnableShapes {
  shapeIds: number[];
  /** Queued jobs in those shapes, over all projects. */
  queued: number;
}

export function unrunnableShapes(ctx: CoreContext): UnrunnableShapes {
  const workers = (ctx.sql('SELECT * FROM workers').all() as WorkerRow[]).map(toWorkerSpec);
  const result: UnrunnableShapes = { shapeIds: [], queued: 0 };
  if (workers.length === 0) return result;
  for (const shape of queuedShapes(ctx)) {
    if (workers.some((w) => couldEverFit(w, shape.requirements))) continue;
    result.shapeIds.push(shape.id);
    result.queued += shape.queued;
  }
  return result;
}
