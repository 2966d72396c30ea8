/** Job and suite inputs, datasets, metric history at 1M points; new entries go at the end of this list. Entries of MIGRATIONS (src/core/store/migrations.ts), in order after WORKLOADS; never edit one. */
export const STAGED_DATA: string[] = [
  // Job inputs (issue 17): each is pinned at submit to the content it names (jobs.inputs, JSON), and
  // job_inputs refers to those blobs so they stay stored while the job exists.
  `
  ALTER TABLE jobs ADD COLUMN inputs TEXT NOT NULL DEFAULT '[]';
  ALTER TABLE jobs ADD COLUMN keep_inputs INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE job_inputs (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    PRIMARY KEY (job_id, position)
  );
  CREATE TRIGGER job_inputs_ref AFTER INSERT ON job_inputs BEGIN
    UPDATE blobs SET refs = refs + 1 WHERE sha256 = NEW.sha256;
  END;
  CREATE TRIGGER job_inputs_unref AFTER DELETE ON job_inputs BEGIN
    UPDATE blobs SET refs = refs - 1 WHERE sha256 = OLD.sha256;
  END;
  `,
  // Datasets (issue 17): an uploaded file or archive by name, with what Gantry read from it
  // (format, rows and columns of CSV/JSONL/Parquet, file count of archives).
  `
  CREATE TABLE datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    size INTEGER NOT NULL,
    format TEXT NOT NULL,
    rows INTEGER,
    columns TEXT,
    files INTEGER,
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
  );
  CREATE TRIGGER datasets_ref AFTER INSERT ON datasets BEGIN
    UPDATE blobs SET refs = refs + 1 WHERE sha256 = NEW.sha256;
  END;
  CREATE TRIGGER datasets_unref AFTER DELETE ON datasets BEGIN
    UPDATE blobs SET refs = refs - 1 WHERE sha256 = OLD.sha256;
  END;
  `,
  // Suite inputs (issue 16): files staged into the suite's directory before its setup, pinned at
  // create like a job's inputs (suites.inputs, JSON); suite_inputs keeps their blobs stored.
  `
  ALTER TABLE suites ADD COLUMN inputs TEXT NOT NULL DEFAULT '[]';
  CREATE TABLE suite_inputs (
    suite_id INTEGER NOT NULL REFERENCES suites(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    PRIMARY KEY (suite_id, position)
  );
  CREATE TRIGGER suite_inputs_ref AFTER INSERT ON suite_inputs BEGIN
    UPDATE blobs SET refs = refs + 1 WHERE sha256 = NEW.sha256;
  END;
  CREATE TRIGGER suite_inputs_unref AFTER DELETE ON suite_inputs BEGIN
    UPDATE blobs SET refs = refs - 1 WHERE sha256 = OLD.sha256;
  END;
  `,
  // Metric history at 1M points per job (issue 17): the listing pages walk an index in their own
  // order (name, attempt, step, then rowid) instead of sorting a job's every point per page, and
  // `?by=epoch` reads per-epoch summaries kept as points arrive (as metric_series and metric_blocks
  // are) instead of grouping every point. The two indexes they replace served only those queries,
  // so a point still costs the table and one index to insert.
  `
  DROP INDEX metrics_job;
  DROP INDEX metrics_job_epoch;
  CREATE INDEX metrics_series_step ON metrics (job_id, name, attempt, step);

  -- One row per job, metric name and epoch over every attempt: count, sum and extremes of its
  -- points, and its last point (the newest recorded).
  CREATE TABLE metric_epochs (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    epoch INTEGER NOT NULL,
    points INTEGER NOT NULL,
    total REAL NOT NULL,
    low REAL NOT NULL,
    high REAL NOT NULL,
    last_attempt INTEGER NOT NULL,
    last_step INTEGER,
    last_value REAL NOT NULL,
    last_at INTEGER NOT NULL,
    PRIMARY KEY (job_id, name, epoch)
  ) WITHOUT ROWID;
  INSERT INTO metric_epochs (job_id, name, epoch, points, total, low, high, last_attempt, last_step, last_value, last_at)
    SELECT s.job_id, s.name, s.epoch, s.n, s.total, s.low, s.high, l.attempt, l.step, l.value, l.at
    FROM (SELECT job_id, name, epoch, COUNT(*) AS n, SUM(value) AS total, MIN(value) AS low, MAX(value) AS high
          FROM metrics WHERE epoch IS NOT NULL GROUP BY job_id, name, epoch) s
    -- With one MAX() aggregate, SQLite takes the other columns from the row holding it: the epoch's last point.
    JOIN (SELECT job_id, name, epoch, attempt, step, value, at, MAX(rowid) FROM metrics WHERE epoch IS NOT NULL GROUP BY job_id, name, epoch) l
      USING (job_id, name, epoch);
  `,
  // Fewer index writes per job (issue 19): jobs_state_id (state, id) changed twice per job, on claim
  // and on finish, for listings that jobs_project_state_id answers as well, one probe per project
  // (see queue/jobsByState.ts). Claim+finish at one job per claim costs ~12% less CPU without it.
  `
  DROP INDEX IF EXISTS jobs_state_id;
  `,
  // Charts of long metric series (issue 17): the marks of 64 full metric_blocks (16,384 points)
  // packed in one row, as 64 × 16 little-endian doubles (each block's first, lowest, highest and last
  // point as seq, step (NaN: none), at, value), so a chart of 1M points reads 61 rows and parses no
  // JSON instead of reading 3,907 rows of JSON. Written as pages fill; points recorded before this
  // entry stay readable through metric_blocks, as before.
  `
  CREATE TABLE metric_mark_pages (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    page INTEGER NOT NULL,
    marks BLOB NOT NULL,
    PRIMARY KEY (job_id, name, attempt, page)
  ) WITHOUT ROWID;
  `,
  // Fewer WAL pages per job (issue 19): the three trigger-kept tallies (job counts per project and
  // state, queued jobs per shape, jobs submitted and finished per hour) live in one table, so a
  // transition's tallies share a leaf page (the flow rows of the current hour sort just before the
  // counts and the shapes) instead of dirtying one page in each of three tables. job_counts and
  // job_flow_hourly stay readable as views with their old columns.
  `
  CREATE TABLE job_tallies (
    kind INTEGER NOT NULL,
    key INTEGER NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (kind, key, state)
  ) WITHOUT ROWID;
  INSERT INTO job_tallies (kind, key, state, n) SELECT 0, hour, state, n FROM job_flow_hourly;
  INSERT INTO job_tallies (kind, key, state, n) SELECT 1, project_id, state, n FROM job_counts;
  INSERT INTO job_tallies (kind, key, state, n) SELECT 2, id, '', queued FROM job_shapes;
  DROP TRIGGER IF EXISTS job_counts_insert;
  DROP TRIGGER IF EXISTS job_counts_delete;
  DROP TRIGGER IF EXISTS job_counts_update;
  DROP TRIGGER IF EXISTS job_shapes_insert;
  DROP TRIGGER IF EXISTS job_shapes_delete;
  DROP TRIGGER IF EXISTS job_shapes_update;
  DROP TRIGGER IF EXISTS job_flow_submitted;
  DROP TRIGGER IF EXISTS job_flow_finished;
  DROP TABLE job_counts;
  DROP TABLE job_flow_hourly;
  ALTER TABLE job_shapes DROP COLUMN queued;
  CREATE VIEW job_counts AS SELECT key AS project_id, state, n FROM job_tallies WHERE kind = 1;
  CREATE VIEW job_flow_hourly AS SELECT key AS hour, state, n FROM job_tallies WHERE kind = 0;
  CREATE TRIGGER job_tallies_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO job_tallies (kind, key, state, n) VALUES (0, NEW.created_at / 3600000 * 3600000, 'submitted', 1), (1, NEW.project_id, NEW.state, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO job_tallies (kind, key, state, n) SELECT 2, NEW.shape_id, '', 1 WHERE NEW.state = 'queued'
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER job_tallies_delete AFTER DELETE ON jobs BEGIN
    UPDATE job_tallies SET n = n - 1 WHERE (kind = 1 AND key = OLD.project_id AND state = OLD.state) OR (OLD.state = 'queued' AND kind = 2 AND key = OLD.shape_id AND state = '');
  END;
  CREATE TRIGGER job_tallies_update AFTER UPDATE OF state ON jobs WHEN OLD.state <> NEW.state BEGIN
    UPDATE job_tallies SET n = n - 1 WHERE kind = 1 AND key = OLD.project_id AND state = OLD.state;
    INSERT INTO job_tallies (kind, key, state, n) VALUES (1, NEW.project_id, NEW.state, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE job_tallies SET n = n + (CASE WHEN NEW.state = 'queued' THEN 1 ELSE -1 END)
      WHERE (OLD.state = 'queued') <> (NEW.state = 'queued') AND kind = 2 AND key = NEW.shape_id AND state = '';
    INSERT INTO job_tallies (kind, key, state, n) SELECT 0, NEW.finished_at / 3600000 * 3600000, NEW.state, 1 WHERE NEW.finished_at IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  `,
  // Fewer WAL pages per job (issue 19): jobs_project_state_id with ids descending. States sort
  // queued < running < succeeded, so a claim (the queued job of the lowest id becomes the running job
  // of the highest) and a finish (the oldest running job becomes the newest succeeded one) each move
  // an entry across the boundary of two adjacent ranges, usually within one leaf page, where with ids
  // ascending the entry left the front of one range for the back of the next: two pages. Listings
  // read the ranges backwards as well as forwards.
  `
  DROP INDEX jobs_project_state_id;
  CREATE INDEX jobs_project_state_id ON jobs (project_id, state, id DESC);
  `,
  // The queued-per-shape tally of a job that becomes queued after submit (a dependent, a retry) was an
  // UPDATE of a row that exists only if a job of that shape was queued at submit: for a new shape
  // there was none, so claims never saw the job. It is now an upsert, and the shape tallies are
  // counted again from the jobs, mending databases the faulty trigger wrote.
  `
  DROP TRIGGER IF EXISTS job_tallies_update;
  CREATE TRIGGER job_tallies_update AFTER UPDATE OF state ON jobs WHEN OLD.state <> NEW.state BEGIN
    UPDATE job_tallies SET n = n - 1 WHERE kind = 1 AND key = OLD.project_id AND state = OLD.state;
    INSERT INTO job_tallies (kind, key, state, n) VALUES (1, NEW.project_id, NEW.state, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE job_tallies SET n = n - 1 WHERE OLD.state = 'queued' AND kind = 2 AND key = OLD.shape_id AND state = '';
    INSERT INTO job_tallies (kind, key, state, n) SELECT 2, NEW.shape_id, '', 1 WHERE NEW.state = 'queued' AND NEW.shape_id IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO job_tallies (kind, key, state, n) SELECT 0, NEW.finished_at / 3600000 * 3600000, NEW.state, 1 WHERE NEW.finished_at IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  DELETE FROM job_tallies WHERE kind = 2;
  INSERT INTO job_tallies (kind, key, state, n) SELECT 2, shape_id, '', COUNT(*) FROM jobs WHERE state = 'queued' AND shape_id IS NOT NULL GROUP BY shape_id;
  `,
  // Fewer index writes per job (issue 19): jobs_claim (priority DESC, id) WHERE state = 'queued' lost
  // an entry on every claim and gained one on every submit (claim at one job per claim 9.8 -> 8.8 WAL
  // pages without it). Claims read each shape's head on jobs_shape_claim; the readers that used
  // jobs_claim (the claim-order listing, explain's jobs ahead, the preemption sweep, Slurm's direct
  // jobs) now read shape by shape too (queue/queuedInClaimOrder.ts). The queued jobs that
  // jobs_shape_claim leaves out, those waiting out a retry delay, keep an index of their own in claim
  // order, which a claim or a submit never touches.
  `
  DROP INDEX jobs_claim;
  CREATE INDEX jobs_retry_claim ON jobs (priority DESC, id) WHERE state = 'queued' AND retry_at IS NOT NULL;
  `,
  // Tallies of the hot statements written once per statement (issue 19): a claim of N, a batch of
  // plain successes and a 64-row submit INSERT sum the tallies their rows move in code and write
  // them with one upsert (queue/talliesInCode.ts, which says why each mark). Those UPDATEs flip
  // jobs.tally_mark and job_tallies_update skips a row whose mark changed; the INSERT raises the
  // switch row (kind 3) and job_tallies_insert skips while it is raised, which is only inside that
  // code's own write transaction. Every other writer, in any process, is counted as before.
  `
  ALTER TABLE jobs ADD COLUMN tally_mark INTEGER NOT NULL DEFAULT 0;
  INSERT INTO job_tallies (kind, key, state, n) VALUES (3, 0, '', 0) ON CONFLICT DO NOTHING;
  DROP TRIGGER IF EXISTS job_tallies_insert;
  CREATE TRIGGER job_tallies_insert AFTER INSERT ON jobs WHEN NOT EXISTS (SELECT 1 FROM job_tallies WHERE kind = 3 AND n > 0) BEGIN
    INSERT INTO job_tallies (kind, key, state, n) VALUES (0, NEW.created_at / 3600000 * 3600000, 'submitted', 1), (1, NEW.project_id, NEW.state, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO job_tallies (kind, key, state, n) SELECT 2, NEW.shape_id, '', 1 WHERE NEW.state = 'queued'
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  DROP TRIGGER IF EXISTS job_tallies_update;
  CREATE TRIGGER job_tallies_update AFTER UPDATE OF state ON jobs
    WHEN OLD.state <> NEW.state AND OLD.tally_mark = NEW.tally_mark BEGIN
    UPDATE job_tallies SET n = n - 1 WHERE kind = 1 AND key = OLD.project_id AND state = OLD.state;
    INSERT INTO job_tallies (kind, key, state, n) VALUES (1, NEW.project_id, NEW.state, 1)
      ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE job_tallies SET n = n - 1 WHERE OLD.state = 'queued' AND kind = 2 AND key = OLD.shape_id AND state = '';
    INSERT INTO job_tallies (kind, key, state, n) SELECT 2, NEW.shape_id, '', 1 WHERE NEW.state = 'queued' AND NEW.shape_id IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO job_tallies (kind, key, state, n) SELECT 0, NEW.finished_at / 3600000 * 3600000, NEW.state, 1 WHERE NEW.finished_at IS NOT NULL
      ON CONFLICT DO UPDATE SET n = n + 1;
  END;
  `,
  // The claim-order readers' lanes covered by jobs_shape_claim (issue 19): SQLite takes a partial
  // index's `state = 'queued'` as known on its entries but reads the row to check `retry_at IS NULL`,
  // so every entry a lane read cost a row read as well, and the claim-order listing with a project
  // read each candidate's row twice (0.69 -> 2.19 ms p50 at 1M jobs when jobs_claim was dropped).
  // retry_at, NULL in every entry, as the last column makes the lanes and their counts index-only; an
  // entry grows by one byte and a claim or a submit writes the same entries as before.
  `
  DROP INDEX jobs_shape_claim;
  CREATE INDEX jobs_shape_claim ON jobs (shape_id, priority DESC, id, retry_at) WHERE state = 'queued' AND retry_at IS NULL;
  `,
];
