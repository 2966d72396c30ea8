import type { GantryClient, MetricRow } from '../shared';

export interface MetricPointsPage {
  points: MetricRow[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

/** One page of a job's plain metric listing, from `cursor` (its X-Next-Cursor) on. */
export async function readMetricPage(client: GantryClient, id: number, query: { name?: string; limit?: number; cursor?: string }): Promise<MetricPointsPage> {
  const response = await client.request('listMetrics', { params: { id }, query: { name: query.name, limit: query.limit, after: query.cursor } });
  const points = (await response.json()) as MetricRow[];
  return { points, next_cursor: response.headers.get('x-next-cursor') };
}

/** Every page of a job's plain metric listing, in its order (name, attempt, step), each handed to `take` as it comes. */
export async function eachMetricPage(client: GantryClient, id: number, name: string | undefined, take: (points: MetricRow[]) => void): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await readMetricPage(client, id, { name, cursor });
    take(page.points);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
}
