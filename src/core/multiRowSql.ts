/**
 * Statements over many rows at once (issue 19): a claim or a finish of ten jobs runs one statement
 * where it ran ten, since each execution costs a call into SQLite and a VM program of its own.
 * Lists are cut into chunks of at most MAX_ROWS_PER_STATEMENT, so the statements prepared (one per
 * row count, each kept by CoreContext.sql) stay few and far below SQLite's limit on parameters.
 */
export const MAX_ROWS_PER_STATEMENT = 64;

const listsByShape = new Map<string, string>();

/** `(?, ?, ?), (?, ?, ?)` for `rows` rows of `columns` values. */
export function valueRows(rows: number, columns: number): string {
  const key = `${rows}x${columns}`;
  let list = listsByShape.get(key);
  if (list === undefined) {
    const row = `(${Array.from({ length: columns }, () => '?').join(', ')})`;
    list = Array.from({ length: rows }, () => row).join(', ');
    listsByShape.set(key, list);
  }
  return list;
}

/** `?, ?, ?` for an `IN (…)` of `count` values. */
export function placeholders(count: number): string {
  return valueRows(1, count).slice(1, -1);
}

/** Calls `fn` on consecutive slices of `items`, each at most MAX_ROWS_PER_STATEMENT long (none for no items). */
export function inChunks<T>(items: readonly T[], fn: (chunk: readonly T[]) => void): void {
  if (items.length === 0) return;
  if (items.length <= MAX_ROWS_PER_STATEMENT) {
    fn(items);
    return;
  }
  for (let from = 0; from < items.length; from += MAX_ROWS_PER_STATEMENT) fn(items.slice(from, from + MAX_ROWS_PER_STATEMENT));
}

/**
 * The SQL text `build(count)` for a row count, built once per count: the same string each time, so
 * the statement cache finds it without hashing a new string on every call.
 */
export function sqlByCount(build: (count: number) => string): (count: number) => string {
  const texts: string[] = [];
  return (count) => (texts[count] ??= build(count));
}
