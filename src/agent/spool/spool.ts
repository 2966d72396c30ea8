import { mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OutboxItem } from './outboxItem';

export interface SpooledItem {
  /** Creation order across restarts; delivery per attempt follows it. */
  order: number;
  file: string;
  item: OutboxItem;
}

const NAME = /^(\d{12})-j\d+-a\d+-\w+\.json$/;

/**
 * One file per unsent item, named `<order>-j<job>-a<attempt>-<kind>.json`. Writes go to a temporary
 * name first and are renamed into place, so a crash never leaves half an item to deliver.
 */
export class Spool {
  private nextOrder: number;

  private constructor(
    readonly dir: string,
    private readonly leftovers: SpooledItem[],
  ) {
    this.nextOrder = leftovers.length > 0 ? leftovers[leftovers.length - 1].order + 1 : 0;
  }

  /** Opens (creating) the folder and reads what an earlier run left unsent. */
  static open(dir: string): Spool {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const items: SpooledItem[] = [];
    for (const name of readdirSync(dir).sort()) {
      const match = NAME.exec(name);
      if (!match) continue;
      const file = join(dir, name);
      try {
        items.push({ order: Number(match[1]), file, item: JSON.parse(readFileSync(file, 'utf8')) as OutboxItem });
      } catch {
        // Unreadable means damaged beyond delivery (the disk filled, say); keeping it would block its attempt forever.
        unlinkSync(file);
      }
    }
    return new Spool(dir, items);
  }

  /** Items an earlier run left, in the order they were written. */
  takeLeftovers(): SpooledItem[] {
    return this.leftovers.splice(0);
  }

  write(item: OutboxItem): SpooledItem {
    const order = this.nextOrder++;
    const name = `${String(order).padStart(12, '0')}-j${item.job_id}-a${item.attempt}-${item.kind}.json`;
    const file = join(this.dir, name);
    writeFileSync(`${file}.tmp`, JSON.stringify(item), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
    return { order, file, item };
  }

  remove(spooled: SpooledItem): void {
    try {
      unlinkSync(spooled.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
