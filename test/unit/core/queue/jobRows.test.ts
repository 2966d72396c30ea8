import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { JOB_COLUMNS, jobColumnList, jobRowFromValues, toJob, type JobRow } from '../../../../src/core/store/rows';
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

  const jsonColumns = ['command', 'env', 'secret_env', 'outputs', 'inputs', 'params', 'requirements', 'depends_on'] as const;

  it('gives the JSON columns as JSON.parse reads them, empty or not, each job its own array or object', () => {
    const worker = addWorker(h.c, { cpus: 4 });
    const done = h.c.submit({ command: ['a'] });
    h.c.claim(worker);
    h.c.finish(done.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    const full = h.c.submit({
      command: { shell: 'echo "é"' },
      env: { A: '1' },
      secret_env: ['A'],
      outputs: ['out/*.json'],
      params: { lr: 0.1, seed: 7 },
      depends_on: [done.id],
      requirements: { cpus: 2, tags: ['x'] },
    });
    const empty = h.c.submit({ command: ['b'] });
    const db = new Database(join(h.dataDir, 'gantry.db'), { readonly: true });
    try {
      const read = (id: number): JobRow => jobRowFromValues(db.prepare(`SELECT ${jobColumnList()} FROM jobs WHERE id = ?`).raw(true).get(id) as unknown[]);
      for (const row of [read(full.id), read(empty.id)]) {
        const job = toJob(row, 'p');
        for (const column of jsonColumns) expect(job[column]).toStrictEqual(JSON.parse(row[column]));
      }
      expect(read(empty.id).env).toBe('{}');
      // Two jobs read from empty columns share nothing: a caller that fills one job's env or
      // outputs must not change another job's.
      const [one, two] = [toJob(read(empty.id), 'p'), toJob(read(empty.id), 'p')];
      for (const column of ['env', 'secret_env', 'outputs', 'inputs', 'params', 'depends_on'] as const) expect(one[column]).not.toBe(two[column]);
    } finally {
      db.close();
    }
  });
});
