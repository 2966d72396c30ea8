/** Compact age for tables: 42s, 7m, 3h, 5d. */
export function formatAge(sinceMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** Local wall-clock time with the age, for `show`. */
export function formatInstant(atMs: number | null, nowMs: number): string {
  if (atMs === null) return '-';
  const date = new Date(atMs);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const text = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${text} (${formatAge(atMs, nowMs)} ago)`;
}
