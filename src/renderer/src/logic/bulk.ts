/** Outcome of one action applied to many jobs: which succeeded, and why the others were refused. */
export interface BulkResult {
  done: number[];
  refused: Array<{ id: number; message: string }>;
}

/**
 * Runs `action` for every id with at most `concurrency` requests in flight, so a thousand
 * selected jobs neither flood the coordinator nor stop at the first refusal.
 */
export async function runBulk(ids: number[], action: (id: number) => Promise<unknown>, describe: (error: unknown) => string, concurrency = 8): Promise<BulkResult> {
  const result: BulkResult = { done: [], refused: [] };
  let next = 0;
  const lane = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      try {
        await action(id);
        result.done.push(id);
      } catch (error) {
        result.refused.push({ id, message: describe(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, lane));
  return result;
}

export function bulkSummary(verb: string, result: BulkResult): string {
  const parts = [`${verb} ${result.done.length} job${result.done.length === 1 ? '' : 's'}`];
  if (result.refused.length) {
    const first = result.refused[0];
    parts.push(`${result.refused.length} refused (#${first.id}: ${first.message})`);
  }
  return parts.join('; ');
}
