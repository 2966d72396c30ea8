/** One byte range of a file, inclusive at both ends, as HTTP Range counts. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Reads a `Range: bytes=…` header for a file of `size` bytes (RFC 9110 §14.1.2): `a-b`, `a-` or a
 * suffix `-n`, with `b` clamped to the end. Null when there is no header, it is not a bytes range,
 * or it lists several ranges (the whole file answers then, which the RFC allows);
 * 'unsatisfiable' when the range starts past the end.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}
