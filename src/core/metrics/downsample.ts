/** Indices 0…n−1 in x order; a stable order (ties keep their index order), and no sort at all when x never decreases. */
function xOrder(x: ArrayLike<number>): number[] {
  const order = Array.from({ length: x.length }, (_, i) => i);
  for (let i = 1; i < x.length; i++) if (x[i] < x[i - 1]) return order.sort((a, b) => x[a] - x[b] || a - b);
  return order;
}

/**
 * Which of n points (as columns: `x[i]`, `value[i]`) a chart keeps: at most `max` indices, in x
 * order, chosen so it still shows every spike. The x range is cut into (max − 2) / 2 equal buckets
 * and each keeps its lowest and highest point; the first and last points are always kept. Unlike
 * averaging (or LTTB, which keeps one point per bucket), a one-step loss spike survives any zoom
 * level. Points are kept as given, never invented. Columns rather than objects, because a long
 * series arrives as tens of thousands of block marks of which a chart keeps about a thousand.
 */
export function downsampleIndices(x: ArrayLike<number>, value: ArrayLike<number>, max: number): number[] {
  const order = xOrder(x);
  const n = order.length;
  if (n <= max) return order;
  const first = order[0];
  const last = order[n - 1];
  const buckets = Math.floor((max - 2) / 2);
  if (buckets < 1) return max >= 2 ? [first, last] : [last];
  const span = x[last] - x[first];
  // Positions in `order`, so ties between equal values go to the first in x order.
  const low = new Int32Array(buckets).fill(-1);
  const high = new Int32Array(buckets).fill(-1);
  for (let k = 1; k < n - 1; k++) {
    const i = order[k];
    const bucket = span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((x[i] - x[first]) / span) * buckets));
    if (low[bucket] === -1 || value[i] < value[order[low[bucket]]]) low[bucket] = k;
    if (high[bucket] === -1 || value[i] > value[order[high[bucket]]]) high[bucket] = k;
  }
  const kept = [0];
  for (let b = 0; b < buckets; b++) {
    if (low[b] === -1) continue;
    kept.push(Math.min(low[b], high[b]));
    if (high[b] !== low[b]) kept.push(Math.max(low[b], high[b]));
  }
  kept.push(n - 1);
  return kept.map((k) => order[k]);
}
