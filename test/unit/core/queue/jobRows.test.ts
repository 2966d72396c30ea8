import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { JOB_COLUMNS, jobColumnList, jobRowFromValues } from '../../../../src/core/store/rows';
import { addWorker, openHarness, type Harness } from '../../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness()));
afterEach(() => h.cleanup());

describe('job rows read as raw values', () => {
  it('names every column of the jobs table, so a column a migration adds cannot be left out of job rows', () => {
    const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
    try {
      const columns = (db.pragma('table_info(jobs)') as Array<{ name: string }>).map((column) => column.name);
      expect([...JOB_COLUMNS].sort()).toEqual(columns.sort());
    } finally {
      db.close();
    }
  });

  it('builds the same row a `SELECT *` reads, column for column', () => {
    const worker = addWorker(h.c, { cpus: 4 });
    const job = h.c.submit({
      command: ['python', 'train.py'],
      name: 'every field',
      env: { A: '1' },
      params: { lr: 0.1 },
      priority: 3,
      max_attempts: 2,
      timeout_s: 60,
      retry_delay_s: 5,
      requirements: { cpus: 2, tags: ['x'] },
    });
    h.c.claim(worker);
    const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
    try {
      const object = db.prepare('SELECT * FROM jobs WHERE id = ?').get(job.id);
      const values = db.prepare(`SELECT ${jobColumnList()} FROM jobs WHERE id = ?`).raw(true).get(job.id) as unknown[];
      expect(jobRowFromValues(values)).toEqual(object);
    } finally {
      db.close();
    }
  });
});
