/** The laptop product: jobs, attempts, leases, workers, logs, metrics, tokens, events. Entries of MIGRATIONS (src/core/store/migrations.ts), in order; never edit one. */
export const FOUNDATION: string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE projects (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
  );
  INSERT INTO projects (name, description, created_at) VALUES ('default', 'Jobs submitted without a project', 0);

  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    suite_id INTEGER,
    name TEXT NOT NULL,
    command TEXT NOT NULL,
    cwd TEXT,
    env TEXT NOT NULL,
    params TEXT NOT NULL,
    priority INTEGER NOT NULL,
    requirements TEXT NOT NULL,
    depends_on TEXT NOT NULL,
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    timeout_s INTEGER,
    state TEXT NOT NULL CHECK (state IN ('waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'blocked')),
    attempt INTEGER NOT NULL DEFAULT 0,
    -- attempts started before the last retry; a retry grants max_attempts fresh attempts
    retry_base INTEGER NOT NULL DEFAULT 0,
    -- set once another job depends on this one, so finishing the (usual) job nobody waits on skips the lookup
    has_dependents INTEGER NOT NULL DEFAULT 0,
    worker_id TEXT,
    exit_code INTEGER,
    error TEXT,
    created_at INTEGER NOT NULL,
    queued_at INTEGER,
    started_at INTEGER,
    finished_at INTEGER,
    CHECK ((finished_at IS NOT NULL) = (state IN ('succeeded', 'failed', 'cancelled', 'blocked')))
  );
  -- Claims read the queue in this order; DESC matters (an ASC index re-sorts on every claim).
  -- Partial: only queued jobs are in it, so transitions between other states never touch it.
  CREATE INDEX jobs_claim ON jobs (priority DESC, id) WHERE state = 'queued';
  -- Listing by state. Full, not partial: a state can be rare and clustered (the first 5% of a
  -- sweep succeeded), and a partial index would leave that list to a scan of the whole table.
  CREATE INDEX jobs_state_id ON jobs (state, id);
  CREATE INDEX jobs_project_id ON jobs (project_id, id);
  CREATE INDEX jobs_project_state_id ON jobs (project_id, state, id);
  -- Lists in priority order over any state; state changes never touch it (only submit and re-prioritise).
  CREATE INDEX jobs_priority ON jobs (priority DESC, id);

  CREATE TABLE job_deps (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    depends_on INTEGER NOT NULL,
    PRIMARY KEY (job_id, depends_on)
  ) WITHOUT ROWID;
  CREATE INDEX job_deps_reverse ON job_deps (depends_on, job_id);

  CREATE TABLE job_tags (
    tag TEXT NOT NULL,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    PRIMARY KEY (tag, job_id)
  ) WITHOUT ROWID;
  CREATE INDEX job_tags_job ON job_tags (job_id);

  -- Per project and state, kept by triggers so counting a million jobs is a lookup, not a scan.
  CREATE TABLE job_counts (
    project_id INTEGER NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (project_id, state)
  ) WITHOUT ROWID;
  CREATE TRIGGER job_counts_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO job_counts (project_id, state, n) VALUES (NEW.project_id, NEW.state, 1)
      ON CONFLICT (project_id, state) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER job_counts_delete AFTER DELETE ON jobs BEGIN
    UPDATE job_counts SET n = n - 1 WHERE project_id = OLD.project_id AND state = OLD.state;
  END;
  CREATE TRIGGER job_counts_update AFTER UPDATE OF state ON jobs WHEN OLD.state <> NEW.state BEGIN
    UPDATE job_counts SET n = n - 1 WHERE project_id = OLD.project_id AND state = OLD.state;
    INSERT INTO job_counts (project_id, state, n) VALUES (NEW.project_id, NEW.state, 1)
      ON CONFLICT (project_id, state) DO UPDATE SET n = n + 1;
  END;

  CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    hostname TEXT NOT NULL,
    cpus REAL NOT NULL,
    memory_mb INTEGER NOT NULL,
    gpus TEXT NOT NULL,
    tags TEXT NOT NULL,
    version TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('online', 'draining', 'offline')),
    -- the worker's last report of free GPU memory per index, JSON {index: mb}
    gpu_free TEXT NOT NULL DEFAULT '{}',
    -- an admin asked the agent to stop; its next heartbeat tells it, and registering again clears it
    stop_requested INTEGER NOT NULL DEFAULT 0,
    registered_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
  );

  CREATE TABLE attempts (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    worker_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    lease_expires_at INTEGER,
    outcome TEXT CHECK (outcome IN ('succeeded', 'failed', 'lost', 'cancelled', 'timed_out')),
    exit_code INTEGER,
    error TEXT,
    gpus TEXT NOT NULL,
    cpus REAL NOT NULL,
    memory_mb INTEGER NOT NULL,
    log_seq INTEGER NOT NULL DEFAULT 0,
    log_bytes INTEGER NOT NULL DEFAULT 0,
    gpu_memory_used_mb REAL,
    PRIMARY KEY (job_id, attempt),
    CHECK ((finished_at IS NOT NULL) = (outcome IS NOT NULL))
  ) WITHOUT ROWID;
  -- Open attempts are few; the lease sweep scans this index too, so a heartbeat that renews
  -- leases rewrites no index entries.
  CREATE INDEX attempts_open_by_worker ON attempts (worker_id) WHERE finished_at IS NULL;

  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    job_id INTEGER,
    worker_id TEXT,
    data TEXT NOT NULL
  );

  CREATE TABLE metrics (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    step INTEGER,
    name TEXT NOT NULL,
    value REAL NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX metrics_job ON metrics (job_id, name, step);

  CREATE TABLE gpu_samples (
    worker_id TEXT NOT NULL,
    gpu_index INTEGER NOT NULL,
    at INTEGER NOT NULL,
    -- 0: a raw sample; 60000: a one-minute average kept longer
    bucket_ms INTEGER NOT NULL,
    n INTEGER NOT NULL DEFAULT 1,
    utilization_pct REAL,
    memory_used_mb REAL,
    memory_total_mb REAL,
    temperature_c REAL,
    power_w REAL
  );
  CREATE INDEX gpu_samples_worker ON gpu_samples (worker_id, bucket_ms, at);

  CREATE TABLE tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'worker', 'job', 'read')),
    job_id INTEGER,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  `,
];
