export interface Finish {
  at: number;
  ok: boolean;
}

export interface ThroughputBucket {
  at: number;
  succeeded: number;
  failed: number;
}

/** Finished jobs per bucket over the last `windowMs`, oldest first, empty buckets included so the chart has a steady axis. */
export function throughputBuckets(finishes: Iterable<Finish>, now: number, bucketMs = 5 * 60_000, windowMs = 60 * 60_000): ThroughputBucket[] {
  const n = Math.ceil(windowMs / bucketMs);
  const end = Math.ceil(now / bucketMs) * bucketMs;
  const start = end - n * bucketMs;
  const buckets = Array.from({ length: n }, (_, i) => ({ at: start + i * bucketMs, succeeded: 0, failed: 0 }));
  for (const finish of finishes) {
    if (finish.at < start || finish.at >= end) continue;
    const bucket = buckets[Math.floor((finish.at - start) / bucketMs)];
    if (finish.ok) bucket.succeeded++;
    else bucket.failed++;
  }
  return buckets;
}
