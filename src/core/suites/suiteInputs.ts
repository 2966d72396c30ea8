import { NotFoundError, type JobInput } from '../../shared';
import { blobPath } from '../artifacts/blobStore';
import type { CoreContext } from '../context';
import { requireSuiteRow } from './suiteRows';

/** Refers to a suite's pinned inputs so their blobs stay stored while the suite exists. Call inside the create transaction. */
export function recordSuiteInputs(ctx: CoreContext, suiteId: number, inputs: readonly JobInput[]): void {
  const insert = ctx.sql('INSERT INTO suite_inputs (suite_id, position, sha256) VALUES (?, ?, ?)');
  inputs.forEach((input, position) => insert.run(suiteId, position, input.sha256));
}

/** A suite's input by position, with the path of its bytes, for an agent staging it before the setup. */
export function locateSuiteInput(ctx: CoreContext, ref: string | number, position: number): JobInput & { path: string } {
  const suite = requireSuiteRow(ctx, ref);
  const input = (JSON.parse(suite.inputs) as JobInput[])[position];
  if (!input) throw new NotFoundError(`suite ${suite.name} has no input ${position}`, 'position');
  return { ...input, path: blobPath(ctx.dataDir, input.sha256) };
}
