const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `1536` → `1.5 KiB`; below 1 KiB the exact count of bytes. The CLI and the console show sizes alike. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit = 'B';
  for (const next of UNITS) {
    if (value < 1024) break;
    value /= 1024;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}
