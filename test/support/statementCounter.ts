import Database from 'better-sqlite3';

/** Statement executions SQLite ran during a counted call. */
export interface StatementCount {
  /** Statements the code ran itself, BEGIN, COMMIT, SAVEPOINT and RELEASE included. */
  top: number;
  /** Statements of trigger bodies those ran (each row a trigger fires for runs its whole body). */
  trigger: number;
  /** Executions of each statement the code ran itself, by its SQL text. */
  bySql: Map<string, number>;
}

type Runner = (this: Database.Statement, ...args: unknown[]) => unknown;

const COUNT_FUNCTION = 'bench_trigger_statements';
const counted = { top: 0, trigger: 0, active: false, bySql: new Map<string, number>() };
const instrumented = new WeakSet<Database.Database>();
let patched = false;

/**
 * Counts the SQLite statements `call` executes on any connection of this process (issue 19: the
 * CPU of a claim and a finish is mostly statement execution, and unlike a time this count does
 * not move with load). better-sqlite3 exposes no trace hook, so every Statement's run/get/all/iterate
 * is wrapped (better-sqlite3 runs BEGIN, COMMIT and savepoints through the same Statement class),
 * and each trigger of a connection gets a TEMP twin with the same event and WHEN clause whose body
 * adds the real body's statement count. The twins add work of their own: count on a coordinator
 * kept for counting, never on one being timed.
 */
export function countStatements(call: () => void): StatementCount {
  patchStatements();
  counted.top = 0;
  counted.trigger = 0;
  counted.bySql = new Map();
  counted.active = true;
  try {
    call();
  } finally {
    counted.active = false;
  }
  return { top: counted.top, trigger: counted.trigger, bySql: counted.bySql };
}

function patchStatements(): void {
  if (patched) return;
  patched = true;
  const statementProto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<string, Runner>;
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statementProto[method];
    statementProto[method] = function counting(this: Database.Statement, ...args: unknown[]): unknown {
      if (counted.active) {
        if (!instrumented.has(this.database)) instrumentTriggers(this.database);
        counted.top++;
        counted.bySql.set(this.source, (counted.bySql.get(this.source) ?? 0) + 1);
      }
      return original.apply(this, args);
    };
  }
}

/** Gives each trigger of `db` a TEMP twin that counts the statements of its body when it fires. */
function instrumentTriggers(db: Database.Database): void {
  instrumented.add(db);
  db.function(COUNT_FUNCTION, (n: unknown) => {
    counted.trigger += Number(n);
    return null;
  });
  const triggers = db.prepare("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'").all() as Array<{ name: string; sql: string }>;
  const wasActive = counted.active;
  counted.active = false;
  try {
    for (const { name, sql } of triggers) db.exec(twinTrigger(name, sql));
  } finally {
    counted.active = wasActive;
  }
}

/** `CREATE TRIGGER name <event> ON table [WHEN …] BEGIN body END` → its counting TEMP twin. */
function twinTrigger(name: string, sql: string): string {
  const match = /^CREATE\s+TRIGGER\s+(?:IF\s+NOT\s+EXISTS\s+)?\S+\s+([\s\S]*?)\bBEGIN\b([\s\S]*)\bEND\s*;?\s*$/i.exec(sql.trim());
  if (!match) throw new Error(`cannot read trigger ${name}: ${sql}`);
  const statements = match[2].split(';').filter((part) => part.trim() !== '').length;
  return `CREATE TEMP TRIGGER IF NOT EXISTS "bench_count_${name}" ${match[1]} BEGIN SELECT ${COUNT_FUNCTION}(${statements}); END;`;
}
