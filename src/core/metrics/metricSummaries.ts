import type { CoreContext } from '../context';
import { PAGE_BLOCKS, storeMarkPage } from './markPages';

/** Points per block of metric_blocks: 1,000,000 points read back as 3,907 rows of 4 marks. */
export const BLOCK_SIZE = 256;

/** A point as a block keeps it: its place in the series (0-based, recorded order), step, time, value. */
export type Mark = [seq: number, step: number | null, at: number, value: number];
/** A block's first, lowest, highest and last points (the first of equals for lowest and highest). */
export type BlockMarks = [first: Mark, low: Mark, high: Mark, last: Mark];

export interface RecordedPoint {
  name: string;
  step: number | null;
  epoch: number | null;
  value: number;
  at: number;
}

function foldMark(marks: BlockMarks | null, mark: Mark): BlockMarks {
  if (!marks) return [mark, mark, mark, mark];
  const [first, low, high] = marks;
  return [first, mark[3] < low[3] ? mark : low, mark[3] > high[3] ? mark : high, mark];
}

/**
 * Keeps metric_series (count and last point), metric_blocks (extremes per 256 points) and
 * metric_mark_pages (64 full blocks packed) in step with the points just inserted, inside the caller's transaction. One read and a few upserts per metric
 * name and batch, so recording stays cheap while reads of long histories stop scanning them.
 */
export function updateMetricSummaries(ctx: CoreContext, jobId: number, attempt: number, points: readonly RecordedPoint[]): void {
  const byName = new Map<string, RecordedPoint[]>();
  for (const point of points) {
    const list = byName.get(point.name);
    if (list) list.push(point);
    else byName.set(point.name, [point]);
  }
  const writeBlock = ctx.sql('INSERT OR REPLACE INTO metric_blocks (job_id, name, attempt, block, marks) VALUES (?, ?, ?, ?, ?)');
  for (const [name, list] of byName) {
    const series = ctx.sql('SELECT points FROM metric_series WHERE job_id = ? AND name = ? AND attempt = ?').get(jobId, name, attempt) as { points: number } | undefined;
    let seq = series?.points ?? 0;
    let marks: BlockMarks | null = null;
    if (seq % BLOCK_SIZE !== 0) {
      const open = ctx.sql('SELECT marks FROM metric_blocks WHERE job_id = ? AND name = ? AND attempt = ? AND block = ?').get(jobId, name, attempt, Math.floor(seq / BLOCK_SIZE)) as { marks: string } | undefined;
      marks = open ? (JSON.parse(open.marks) as BlockMarks) : null;
    }
    const fullPages: number[] = [];
    for (const point of list) {
      marks = foldMark(marks, [seq, point.step, point.at, point.value]);
      seq++;
      if (seq % BLOCK_SIZE === 0) {
        const block = seq / BLOCK_SIZE - 1;
        writeBlock.run(jobId, name, attempt, block, JSON.stringify(marks));
        marks = null;
        if ((block + 1) % PAGE_BLOCKS === 0) fullPages.push((block + 1) / PAGE_BLOCKS - 1);
      }
    }
    if (marks) writeBlock.run(jobId, name, attempt, Math.floor(seq / BLOCK_SIZE), JSON.stringify(marks));
    for (const page of fullPages) storeMarkPage(ctx, { jobId, name, attempt }, page);
    const last = list[list.length - 1];
    ctx
      .sql(
        `INSERT INTO metric_series (job_id, name, attempt, points, last_step, last_value, last_at, last_epoch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (job_id, name, attempt) DO UPDATE SET points = excluded.points, last_step = excluded.last_step,
           last_value = excluded.last_value, last_at = excluded.last_at, last_epoch = excluded.last_epoch`,
      )
      .run(jobId, name, attempt, seq, last.step, last.value, last.at, last.epoch);
  }
}
