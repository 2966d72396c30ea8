import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../support/coordinator';
import { waitFor } from '../../support/waitFor';

const run = promisify(execFile);
let h: Harness;
afterEach(() => h.cleanup());

describe('claims from several processes on one database file', () => {
  it('hands every job to exactly one process, once', async () => {
    h = openHarness();
    h.c.submitBatch(Array.from({ length: 2000 }, (_, i) => ({ command: ['true'], priority: i % 5 })));
    h.c.close();
    const script = join(__dirname, '../../support/claimLoop.ts');
    const names = [1, 2, 3, 4].map((n) => `proc-${n}`);
    // A child that hangs is killed at the deadline, so the test fails instead of hanging with it.
    const children = Promise.all(names.map((name) => run(process.execPath, ['--import', 'tsx', script, h.dataDir, name], { cwd: join(__dirname, '../../..'), timeout: 50_000 })));
    await waitFor(() => names.every((name) => existsSync(join(h.dataDir, `ready-${name}`))), 'every claiming process to be ready');
    writeFileSync(join(h.dataDir, 'go'), '');
    const outputs = await children;
    const ran = outputs.flatMap((o) => JSON.parse(o.stdout) as number[]);
    expect(ran).toHaveLength(2000);
    expect(new Set(ran).size).toBe(2000);
    expect(outputs.filter((o) => (JSON.parse(o.stdout) as number[]).length > 0).length).toBeGreaterThan(1);
    const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT COUNT(*) AS n FROM attempts').get()).toEqual({ n: 2000 });
      expect(db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE state = 'succeeded'").get()).toEqual({ n: 2000 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    h.reopen();
  });
});
