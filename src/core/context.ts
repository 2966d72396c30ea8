import type { Db, Statement, Transaction } from './store/database';
import type { EventType } from '../shared';
import type { EventListener } from './api';
import { EventBuffer } from './eventBuffer';

export interface CoreSettings {
  leaseTtlMs: number;
  restartGraceMs: number;
  workerTimeoutMs: number;
  reserveAfterMs: number;
  /** Events older than this are deleted by the sweep; clients resume from recent ones only. */
  eventRetentionMs: number;
}

/**
 * What every core module works with: the database, a clock, settings, and the event log.
 * Modules take it as a parameter so the coordinator is the only place that wires them.
 */
export class CoreContext {
  private readonly statements = new Map<string, Statement>();
  private readonly rawStatements = new Map<string, Statement>();
  /** Project names by id; projects are never renamed, so the cache cannot go stale. */
  private readonly projectNames = new Map<number, string>();
  private readonly listeners = new Set<EventListener>();
  private readonly events = new EventBuffer((text) => this.sql(text));
  private depth = 0;
  /** See credentialRevision(). */
  private credentialChanges = 0;
  /**
   * One better-sqlite3 transaction function for every transaction: `db.transaction()`
   * builds four wrappers each call, a cost every claim and every finished job paid again.
   */
  private readonly inTransaction: Transaction<(fn: () => unknown) => unknown>;

  constructor(
    readonly db: Db,
    readonly dataDir: string,
    readonly now: () => number,
    readonly settings: CoreSettings,
  ) {
    this.inTransaction = db.transaction((fn: () => unknown) => {
      const result = fn();
      this.events.write();
      return result;
    });
  }

  /** A prepared statement, compiled once per SQL text. */
  sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * A prepared statement whose rows come back as arrays of values (better-sqlite3's raw mode), kept
   * apart from `sql` so one SQL text never switches modes under another caller.
   */
  rawSql(text: string): Statement {
    let statement = this.rawStatements.get(text);
    if (!statement) {
      statement = this.db.prepare(text).raw(true);
      this.rawStatements.set(text, statement);
    }
    return statement;
  }

  projectName(id: number): string {
    let name = this.projectNames.get(id);
    if (name === undefined) {
      name = (this.sql('SELECT name FROM projects WHERE id = ?').get(id) as { name: string }).name;
      this.projectNames.set(id, name);
    }
    return name;
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (the write lock is taken up front, so two processes
   * claiming from one file serialize instead of failing on upgrade), writes the events it emitted
   * just before committing, then publishes them.
   */
  tx<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    let result: T;
    try {
      result = this.inTransaction.immediate(fn) as T;
    } catch (error) {
      this.events.clear();
      throw error;
    } finally {
      this.depth--;
    }
    this.publish();
    return result;
  }

  /**
   * Records an event next to the state change it records; its row is written with the
   * transaction's other events just before `tx` commits. Outside `tx` it is written and published at once.
   */
  emit(type: EventType, jobId: number | null, workerId: string | null, data: Record<string, unknown> = {}): void {
    this.events.add(this.now(), type, jobId, workerId, data);
    if (this.depth > 0) return;
    this.events.write();
    this.publish();
  }

  /** Writes the events emitted so far in this transaction: whatever reads the events table inside one calls this first. */
  writePendingEvents(): void {
    this.events.write();
  }

  private publish(): void {
    const events = this.events.take(this.listeners.size > 0);
    for (const event of events) for (const listener of this.listeners) listener(event);
  }

  /**
   * Called by whatever may make a credential stop standing (a token revoked, a worker's credential
   * replaced), inside its transaction: a rollback then costs a needless re-check, never a missed one.
   */
  credentialsChanged(): void {
    this.credentialChanges++;
  }

  /** How many times credentials may have stopped standing in this process (Coordinator.credentialRevision). */
  credentialRevision(): number {
    return this.credentialChanges;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
