import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Coordinator } from '../../../../src/core';
import { MIGRATIONS } from '../../../../src/core/store/migrations';
import { MetricsQuery } from '../../../../src/shared';
import { useUpgradedDataDir } from './upgradedDataDir';

const data = useUpgradedDataDir();
const byEpoch = (coordinator: Coordinator, jobId: number) => coordinator.metricQueries.job(jobId, MetricsQuery.parse({ by: 'epoch' }));

describe('per-epoch summaries of an upgraded database', () => {
  it('are filled from the points recorded before the upgrade, as by=epoch answered then', () => {
    const dir = data.create('gantry-epochs-upgrade-');
    let c = data.open();
    const jobId = c.submit({ command: ['train'] }).id;
    c.recordMetrics(jobId, 1, Array.from({ length: 50 }, (_, step) => ({ step, epoch: Math.floor(step / 20), name: step % 2 ? 'loss' : 'acc', value: Math.sin(step), at: 1_000 + step })));
    c.recordMetrics(jobId, 2, [{ step: 0, epoch: 1, name: 'loss', value: 7, at: 2_000 }, { step: 1, name: 'loss', value: 8, at: 2_001 }]);
    const expected = byEpoch(c, jobId);
    data.close();

    // Back to the schema before the entry that keeps the summaries, as the build before it left it
    // (less what the entries after it made: metric_mark_pages, job_tallies in place of the three tallies,
    // jobs_retry_claim in place of jobs_claim, and jobs.tally_mark).
    const entry = MIGRATIONS.findIndex((sql) => sql.includes('CREATE TABLE metric_epochs'));
    const db = new Database(join(dir, 'gantry.db'));
    db.exec(`DROP TABLE metric_mark_pages; DROP TABLE metric_epochs; DROP INDEX metrics_series_step;
      CREATE INDEX metrics_job ON metrics (job_id, name, step); CREATE INDEX metrics_job_epoch ON metrics (job_id, name, epoch) WHERE epoch IS NOT NULL;`);
    db.exec(`DROP TRIGGER job_tallies_insert; DROP TRIGGER job_tallies_delete; DROP TRIGGER job_tallies_update; DROP VIEW job_counts; DROP VIEW job_flow_hourly;
      CREATE TABLE job_counts (project_id INTEGER NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (project_id, state)) WITHOUT ROWID;
      INSERT INTO job_counts SELECT key, state, n FROM job_tallies WHERE kind = 1;
      CREATE TABLE job_flow_hourly (hour INTEGER NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, state)) WITHOUT ROWID;
      INSERT INTO job_flow_hourly SELECT key, state, n FROM job_tallies WHERE kind = 0;
      ALTER TABLE job_shapes ADD COLUMN queued INTEGER NOT NULL DEFAULT 0;
      UPDATE job_shapes SET queued = COALESCE((SELECT n FROM job_tallies WHERE kind = 2 AND key = job_shapes.id), 0);
      DROP TABLE job_tallies; ALTER TABLE jobs DROP COLUMN tally_mark;
      DROP INDEX jobs_retry_claim; CREATE INDEX jobs_claim ON jobs (priority DESC, id) WHERE state = 'queued';`);
    db.pragma(`user_version = ${entry}`);
    db.close();

    c = data.open();
    if (!('epochs' in expected)) throw new Error('expected epochs');
    expect(expected.epochs).toHaveLength(6);
    // The backfill sums in SQL, recording sums in JS: the means may differ in their last bits.
    expect(byEpoch(c, jobId)).toEqual({ epochs: expected.epochs.map((row) => ({ ...row, mean: expect.closeTo(row.mean, 12) })) });
  });
});
