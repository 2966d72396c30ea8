import { closeSync, existsSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';

/** A line read back from a journal, with its length in the file (its newline included). */
export interface JournalEntry<Line> {
  line: Line;
  bytes: number;
}

/**
 * An append-only file of JSON lines, the agent's cheap record of what must outlive its process: the
 * spool of unsent items and the process groups of running attempts. An appended line costs a few µs
 * where a file per record (create, rename, unlink) cost ~50 µs and up to a millisecond of blocked
 * event loop on ext4. Not fsynced: it outlives the agent's process (a crash, SIGKILL, the OOM
 * killer), not the machine. A line torn by a crash mid-write is skipped on reading and never
 * continued by the next append.
 */
export class JsonlJournal<Line> {
  private fd: number | undefined;
  /** The file ends in a line torn by a crash: the next line must start on a fresh one. */
  private torn: boolean;
  private bytes: number;
  private readText: string | undefined;

  constructor(readonly file: string) {
    this.readText = existsSync(file) ? readFileSync(file, 'utf8') : '';
    this.bytes = Buffer.byteLength(this.readText);
    this.torn = this.readText.length > 0 && !this.readText.endsWith('\n');
  }

  /** Size of the file in bytes, as this process last wrote it. */
  get size(): number {
    return this.bytes;
  }

  /** The lines found at open, in order; damaged ones (not a JSON object) are skipped. Read once: the text is dropped after. */
  takeEntries(): JournalEntry<Line>[] {
    const entries: JournalEntry<Line>[] = [];
    for (const raw of (this.readText ?? '').split('\n')) {
      let line: unknown;
      try {
        line = JSON.parse(raw);
      } catch {
        continue; // Empty, or torn by a crash mid-write: what it held was never complete.
      }
      // Every line this class writes is an object; anything else is damage, not a record.
      if (typeof line === 'object' && line !== null) entries.push({ line: line as Line, bytes: Buffer.byteLength(raw) + 1 });
    }
    this.readText = undefined;
    return entries;
  }

  /** Appends one line; returns its length in bytes. */
  append(line: Line): number {
    this.fd ??= openSync(this.file, 'a', 0o600);
    const text = `${this.torn ? '\n' : ''}${JSON.stringify(line)}\n`;
    this.torn = false;
    const bytes = Buffer.byteLength(text);
    writeSync(this.fd, text);
    this.bytes += bytes;
    return bytes;
  }

  /**
   * Appends a line that only closes a record (an item sent, an attempt ended); false, and nothing
   * thrown, when the journal's folder is gone: an in-process agent's state dir may be removed after
   * it stopped, while a send or a job was still ending, and there is nothing left to close then.
   */
  appendClosing(line: Line): boolean {
    try {
      this.append(line);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  /** Replaces the journal with just these lines, as a whole new file renamed into place (compaction). */
  rewrite(lines: Iterable<Line>): void {
    let text = '';
    for (const line of lines) text += `${JSON.stringify(line)}\n`;
    writeFileSync(`${this.file}.tmp`, text, { mode: 0o600 });
    renameSync(`${this.file}.tmp`, this.file);
    this.close();
    this.torn = false;
    this.bytes = Buffer.byteLength(text);
  }

  /** Closes the file; a later append opens it again. */
  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Removes a record file of the layout before the journals; one already gone is fine. */
export function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
