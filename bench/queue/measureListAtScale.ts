import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FigureLog } from '../lib/figures';
import { runFigureScript } from '../lib/figureScript';
import { makeTempDir } from '../lib/tempDir';
import { buildLargeQueue, databaseSizeMb } from './buildLargeQueue';

const LIST_QUERIES = 200;

/**
 * List latency, database size and coordinator RSS at `size` jobs. The queries run in a fresh
 * process so its RSS is that of a coordinator holding this database, not of the builder.
 */
export async function measureListAtScale(log: FigureLog, size: number): Promise<void> {
  const dir = makeTempDir('large');
  try {
    const dataDir = join(dir.path, 'data');
    const cursors = buildLargeQueue(log, dataDir, size);
    log.record('queue.large.db_mb', databaseSizeMb(dataDir), 'MB');
    const cursorsFile = join(dir.path, 'cursors.json');
    writeFileSync(cursorsFile, JSON.stringify(cursors));
    await runFigureScript(log, fileURLToPath(new URL('./timeListQueries.ts', import.meta.url)), [dataDir, cursorsFile, String(LIST_QUERIES)]);
  } finally {
    dir.remove();
  }
}
