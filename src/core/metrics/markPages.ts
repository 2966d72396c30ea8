import { endianness } from 'node:os';
import type { CoreContext } from '../context';
import type { BlockMarks } from './metricSummaries';

/** Blocks per page of metric_mark_pages: 64 blocks of 256 points, so 1,000,000 points are 61 rows and a tail of blocks. */
export const PAGE_BLOCKS = 64;
/** Numbers per block in a page: its four marks of [seq, step, at, value]. */
const BLOCK_NUMBERS = 16;

/** A series' blocks in a range, and its pages: each one seek along a primary key, in its order. Exported for the query-plan test. */
export const MARK_READS = {
  blocks: 'SELECT marks FROM metric_blocks WHERE job_id = ? AND name = ? AND attempt = ? AND block BETWEEN ? AND ? ORDER BY block',
  pages: 'SELECT page, marks FROM metric_mark_pages WHERE job_id = ? AND name = ? AND attempt = ? ORDER BY page',
} as const;

export interface SeriesKey {
  jobId: number;
  name: string;
  attempt: number;
}

/** A series' marks as columns, in recorded order (seq); `step` is NaN where a point had none. */
export interface MarkColumns {
  length: number;
  seq: Float64Array;
  step: Float64Array;
  at: Float64Array;
  value: Float64Array;
}

export function markColumns(capacity: number): MarkColumns {
  return { length: 0, seq: new Float64Array(capacity), step: new Float64Array(capacity), at: new Float64Array(capacity), value: new Float64Array(capacity) };
}

function pushMark(into: MarkColumns, seq: number, step: number, at: number, value: number): void {
  const i = into.length++;
  into.seq[i] = seq;
  into.step[i] = step;
  into.at[i] = at;
  into.value[i] = value;
}

/** pushBlock's scratch: the order of a block's four marks. */
const BLOCK_ORDER = new Int8Array(4);

/** One block's marks (16 numbers from `at` in `numbers`), in seq order, each point once (a block's first point may also be its lowest). */
function pushBlock(into: MarkColumns, numbers: ArrayLike<number>, at: number): void {
  // Insertion sort of the four marks by seq: called once per 256 points, so no array or callback per call.
  const order = BLOCK_ORDER;
  for (let i = 0; i < 4; i++) order[i] = i;
  for (let i = 1; i < 4; i++) {
    for (let j = i; j > 0 && numbers[at + order[j] * 4] < numbers[at + order[j - 1] * 4]; j--) [order[j], order[j - 1]] = [order[j - 1], order[j]];
  }
  for (let i = 0; i < 4; i++) {
    const from = at + order[i] * 4;
    if (into.length > 0 && into.seq[into.length - 1] === numbers[from]) continue;
    pushMark(into, numbers[from], numbers[from + 1], numbers[from + 2], numbers[from + 3]);
  }
}
function blockNumbers(block: BlockMarks): number[] {
  return block.flatMap(([seq, step, at, value]) => [seq, step ?? Number.NaN, at, value]);
}

/**
 * Packs page `page` of a series from its 64 blocks, once the last of them is complete: the same
 * marks as the blocks, as little-endian doubles, so a chart reads one row (and parses no JSON)
 * per 16,384 points. Inside the caller's transaction, after the blocks were written.
 */
export function storeMarkPage(ctx: CoreContext, key: SeriesKey, page: number): void {
  const rows = ctx
    .sql(MARK_READS.blocks)
    .raw()
    .all(key.jobId, key.name, key.attempt, page * PAGE_BLOCKS, (page + 1) * PAGE_BLOCKS - 1) as Array<[string]>;
  const packed = Buffer.alloc(rows.length * BLOCK_NUMBERS * 8);
  let offset = 0;
  for (const [text] of rows) for (const number of blockNumbers(JSON.parse(text) as BlockMarks)) offset = packed.writeDoubleLE(number, offset);
  ctx.sql('INSERT OR REPLACE INTO metric_mark_pages (job_id, name, attempt, page, marks) VALUES (?, ?, ?, ?, ?)').run(key.jobId, key.name, key.attempt, page, packed);
}

/** Blocks first…last (inclusive) from metric_blocks. */
function pushStoredBlocks(ctx: CoreContext, key: SeriesKey, first: number, last: number, into: MarkColumns): void {
  if (last < first) return;
  const rows = ctx
    .sql(MARK_READS.blocks)
    .raw()
    .all(key.jobId, key.name, key.attempt, first, last) as Array<[string]>;
  for (const [text] of rows) pushBlock(into, blockNumbers(JSON.parse(text) as BlockMarks), 0);
}

const LITTLE_ENDIAN = endianness() === 'LE';

/** A page's doubles: a view of an aligned copy where the machine is little-endian (all that Node runs on, in practice), read one by one elsewhere. */
function pageNumbers(packed: Buffer): Float64Array {
  if (LITTLE_ENDIAN) return new Float64Array(new Uint8Array(packed).buffer);
  const numbers = new Float64Array(packed.length / 8);
  for (let i = 0; i < numbers.length; i++) numbers[i] = packed.readDoubleLE(i * 8);
  return numbers;
}
function pushPage(packed: Buffer, into: MarkColumns): void {
  const numbers = pageNumbers(packed);
  for (let at = 0; at < numbers.length; at += BLOCK_NUMBERS) pushBlock(into, numbers, at);
}

/**
 * Every block's marks of a series of `blocks` blocks, in recorded order: from its pages where they
 * exist, from metric_blocks elsewhere (the page still filling, and pages of points recorded before
 * pages were kept).
 */
export function seriesMarks(ctx: CoreContext, key: SeriesKey, blocks: number): MarkColumns {
  const pages = ctx.sql(MARK_READS.pages).raw().all(key.jobId, key.name, key.attempt) as Array<[number, Buffer]>;
  const marks = markColumns(blocks * 4);
  let next = 0;
  for (const [page, packed] of pages) {
    pushStoredBlocks(ctx, key, next, page * PAGE_BLOCKS - 1, marks);
    pushPage(packed, marks);
    next = (page + 1) * PAGE_BLOCKS;
  }
  pushStoredBlocks(ctx, key, next, blocks - 1, marks);
  return marks;
}
