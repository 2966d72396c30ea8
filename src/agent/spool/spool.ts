import { mkdirSync, readFileSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { JsonlJournal, removeFile, type JournalEntry } from '../state/jsonlJournal';
import type { OutboxItem } from './outboxItem';

export interface SpooledItem {
  /** Creation order across restarts; delivery per attempt follows it. */
  order: number;
  /** Where it is kept: `spool.jsonl#<order>`, or its own file when an agent before the journal wrote it. */
  file: string;
  item: OutboxItem;
}

/** One file per item, as agents before the journal wrote them: still read at open, so an upgrade delivers what they left. */
const OLD_ITEM = /^(\d{12})-j\d+-a\d+-\w+\.json$/;
const JOURNAL = 'spool.jsonl';
/** The journal is rewritten with only the unsent items once it is past this size and half of it is delivered items. */
const COMPACT_BYTES = 1024 * 1024;

type JournalLine = { order: number; item: OutboxItem } | { sent: number };

function isItemLine(line: JournalLine): line is { order: number; item: OutboxItem } {
  return 'item' in line && Number.isSafeInteger(line.order) && typeof line.item === 'object' && line.item !== null;
}

/** Unsent items in a journal's lines, by order (damaged lines were skipped in reading). */
function replay(entries: JournalEntry<JournalLine>[], file: string): Map<number, { spooled: SpooledItem; bytes: number }> {
  const unsent = new Map<number, { spooled: SpooledItem; bytes: number }>();
  for (const { line, bytes } of entries) {
    if (isItemLine(line)) unsent.set(line.order, { spooled: { order: line.order, file: `${file}#${line.order}`, item: line.item }, bytes });
    else if ('sent' in line) unsent.delete(line.sent);
  }
  return unsent;
}

/** Items agents before the journal left, one file each; unreadable ones are removed. */
function readOldItems(dir: string): SpooledItem[] {
  const items: SpooledItem[] = [];
  for (const name of readdirSync(dir)) {
    const match = OLD_ITEM.exec(name);
    if (!match) continue;
    const file = join(dir, name);
    try {
      items.push({ order: Number(match[1]), file, item: JSON.parse(readFileSync(file, 'utf8')) as OutboxItem });
    } catch {
      // Unreadable means damaged beyond delivery (the disk filled, say); keeping it would block its attempt forever.
      unlinkSync(file);
    }
  }
  return items;
}

/**
 * Unsent items in an append-only journal, `spool.jsonl` in the agent's state dir: a line per item
 * written and one per item sent (a torn last line, from a crash mid-write, is skipped on reading).
 * A file per item (create, rename, unlink) cost ~50 µs of CPU and up to a millisecond of blocked
 * event loop per job on ext4; an appended line costs a few µs (bench/README.md,
 * e2e.agent.cpu_ms_per_job). Like those files, the journal is not fsynced: it outlives the agent's
 * process (a crash, SIGKILL, the OOM killer), not the machine.
 */
export class Spool {
  private nextOrder: number;
  /** Bytes of the journal's lines for items not yet sent: compaction waits until they are at most half of it. */
  private unsentBytes = 0;
  private readonly unsent: Map<number, { spooled: SpooledItem; bytes: number }>;

  private constructor(
    readonly dir: string,
    private readonly journal: JsonlJournal<JournalLine>,
    private readonly leftovers: SpooledItem[],
  ) {
    this.unsent = replay(journal.takeEntries(), journal.file);
    for (const { bytes } of this.unsent.values()) this.unsentBytes += bytes;
    this.leftovers.push(...[...this.unsent.values()].map(({ spooled }) => spooled));
    this.leftovers.sort((a, b) => a.order - b.order);
    this.nextOrder = this.leftovers.length > 0 ? this.leftovers[this.leftovers.length - 1].order + 1 : 0;
  }

  /** Opens (creating) the folder and reads what an earlier run left unsent. */
  static open(dir: string): Spool {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return new Spool(dir, new JsonlJournal<JournalLine>(join(dir, JOURNAL)), readOldItems(dir));
  }

  /** Items an earlier run left, in the order they were written. */
  takeLeftovers(): SpooledItem[] {
    return this.leftovers.splice(0);
  }

  write(item: OutboxItem): SpooledItem {
    const order = this.nextOrder++;
    const spooled: SpooledItem = { order, file: `${this.journal.file}#${order}`, item };
    const bytes = this.journal.append({ order, item });
    this.unsent.set(order, { spooled, bytes });
    this.unsentBytes += bytes;
    return spooled;
  }

  remove(spooled: SpooledItem): void {
    if (!spooled.file.startsWith(`${this.journal.file}#`)) return removeFile(spooled.file);
    const entry = this.unsent.get(spooled.order);
    if (!entry) return;
    this.unsent.delete(spooled.order);
    this.unsentBytes -= entry.bytes;
    if (!this.journal.appendClosing({ sent: spooled.order })) return;
    if (this.journal.size > COMPACT_BYTES && this.unsentBytes * 2 < this.journal.size) this.compact();
  }

  /** Closes the journal; a later write opens it again. */
  close(): void {
    this.journal.close();
  }

  /** Rewrites the journal with only the unsent items. */
  private compact(): void {
    this.journal.rewrite([...this.unsent.values()].map(({ spooled }) => ({ order: spooled.order, item: spooled.item })));
    this.unsentBytes = this.journal.size;
  }
}
