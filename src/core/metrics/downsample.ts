/** A point placed on a chart's x axis. */
export interface XPoint {
  x: number;
  value: number;
}

/**
 * At most `max` of `points`, in x order, chosen so a chart still shows every spike: the x range is cut
 * into (max − 2) / 2 equal buckets and each keeps its lowest and highest point; the first and last
 * points are always kept. Unlike averaging (or LTTB, which keeps one point per bucket), a one-step
 * loss spike survives any zoom level. Points are returned as given, never invented.
 */
export function downsampleMinMax<P extends XPoint>(points: readonly P[], max: number): P[] {
  // A stable sort: points sharing an x keep their recorded order.
  const sorted = [...points].sort((a, b) => a.x - b.x);
  if (sorted.length <= max) return sorted;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const buckets = Math.floor((max - 2) / 2);
  if (buckets < 1) return max >= 2 ? [first, last] : [last];
  const span = last.x - first.x;
  const low = new Array<number>(buckets).fill(-1);
  const high = new Array<number>(buckets).fill(-1);
  for (let i = 1; i < sorted.length - 1; i++) {
    const bucket = span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((sorted[i].x - first.x) / span) * buckets));
    const value = sorted[i].value;
    if (low[bucket] === -1 || value < sorted[low[bucket]].value) low[bucket] = i;
    if (high[bucket] === -1 || value > sorted[high[bucket]].value) high[bucket] = i;
  }
  const kept = [0];
  for (let b = 0; b < buckets; b++) {
    if (low[b] === -1) continue;
    kept.push(Math.min(low[b], high[b]));
    if (high[b] !== low[b]) kept.push(Math.max(low[b], high[b]));
  }
  kept.push(sorted.length - 1);
  return kept.map((i) => sorted[i]);
}
