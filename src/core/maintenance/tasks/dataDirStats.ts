/** Rows per table and bytes of the database, its WAL and the job logs. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from '../../context';
import { DB_FILE } from '../../store/database';

function bytesOf(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesOf(join(path, entry)), 0);
}

export function dataDirStats(ctx: CoreContext): Record<string, number> {
  const tables = ctx.sql("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    // Table names come from the schema itself, never from a caller.
    counts[`rows_${name}`] = (ctx.db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n;
  }
  const db = join(ctx.dataDir, DB_FILE);
  counts.database_bytes = bytesOf(db);
  counts.wal_bytes = bytesOf(`${db}-wal`);
  counts.log_bytes = bytesOf(join(ctx.dataDir, 'logs'));
  return counts;
}
