/**
 * Job ids as ranges: `2-10001` for a 10,000-job sweep instead of 49 KB of ids, `3 5-7 12` for a mix.
 * Ids keep their order; only runs of consecutive ids fold. Past `maxParts` parts the rest is counted.
 */
export function formatIdRanges(ids: readonly number[], maxParts = 20): string {
  const parts: string[] = [];
  let shown = 0;
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    if (parts.length === maxParts) {
      parts.push(`and ${ids.length - shown} more`);
      break;
    }
    parts.push(j === i ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    shown += j - i + 1;
    i = j + 1;
  }
  return parts.join(' ');
}
