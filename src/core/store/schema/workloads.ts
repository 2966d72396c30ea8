/** Sweeps and metric queries, Slurm, project tokens, chat, artifacts, models, suites; new entries go at the end of STAGED_DATA (stagedData.ts). Entries of MIGRATIONS (src/core/store/migrations.ts), in order; never edit one. */
export const WORKLOADS: string[] = [
  // Metric queries and sweep comparison (issue 17): epochs on points; per-series summaries kept as
  // points arrive, so the latest value, final values and charts of a million-point job read a few
  // rows instead of every point; sweeps remembered so their jobs can be compared.
  `
  ALTER TABLE metrics ADD COLUMN epoch INTEGER;
  CREATE INDEX metrics_job_epoch ON metrics (job_id, name, epoch) WHERE epoch IS NOT NULL;

  -- One row per job, metric name and attempt: how many points, and the last one.
  CREATE TABLE metric_series (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    points INTEGER NOT NULL,
    last_step INTEGER,
    last_value REAL NOT NULL,
    last_at INTEGER NOT NULL,
    last_epoch INTEGER,
    PRIMARY KEY (job_id, name, attempt)
  ) WITHOUT ROWID;
  -- A series cut into blocks of 256 points in the order recorded; marks holds the block's first,
  -- lowest, highest and last points as JSON [[seq, step, at, value], ×4], so a chart of any size
  -- keeps every extreme while reading one row per 256 points.
  CREATE TABLE metric_blocks (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    block INTEGER NOT NULL,
    marks TEXT NOT NULL,
    PRIMARY KEY (job_id, name, attempt, block)
  ) WITHOUT ROWID;

  INSERT INTO metric_series (job_id, name, attempt, points, last_step, last_value, last_at)
    SELECT job_id, name, attempt, n, step, value, at
    FROM (SELECT job_id, name, attempt, COUNT(*) AS n, step, value, at, MAX(rowid) FROM metrics GROUP BY job_id, name, attempt);
  INSERT INTO metric_blocks (job_id, name, attempt, block, marks)
    SELECT job_id, name, attempt, block,
      '[' || MAX(CASE WHEN first_rank = 1 THEN mark END) || ',' || MAX(CASE WHEN low_rank = 1 THEN mark END) || ','
        || MAX(CASE WHEN high_rank = 1 THEN mark END) || ',' || MAX(CASE WHEN last_rank = 1 THEN mark END) || ']'
    FROM (
      SELECT job_id, name, attempt, block, mark,
        ROW_NUMBER() OVER (PARTITION BY job_id, name, attempt, block ORDER BY seq) AS first_rank,
        ROW_NUMBER() OVER (PARTITION BY job_id, name, attempt, block ORDER BY value, seq) AS low_rank,
        ROW_NUMBER() OVER (PARTITION BY job_id, name, attempt, block ORDER BY value DESC, seq) AS high_rank,
        ROW_NUMBER() OVER (PARTITION BY job_id, name, attempt, block ORDER BY seq DESC) AS last_rank
      FROM (
        SELECT job_id, name, attempt, value, seq, seq / 256 AS block, json_array(seq, step, at, value) AS mark
        FROM (SELECT job_id, name, attempt, step, at, value, ROW_NUMBER() OVER (PARTITION BY job_id, name, attempt ORDER BY rowid) - 1 AS seq FROM metrics)
      )
    )
    GROUP BY job_id, name, attempt, block;

  CREATE TABLE sweeps (
    id INTEGER PRIMARY KEY,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    name TEXT NOT NULL,
    template TEXT NOT NULL,
    param_names TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('grid', 'zip')),
    created_at INTEGER NOT NULL
  );
  ALTER TABLE jobs ADD COLUMN sweep_id INTEGER REFERENCES sweeps(id);
  CREATE INDEX jobs_sweep ON jobs (sweep_id) WHERE sweep_id IS NOT NULL;
  `,
  // Slurm clusters (issue 15): a login node (a host), the shape and limits of the pilot agents sbatch
  // starts there, and each pilot array task with what squeue last said of it.
  `
  CREATE TABLE slurm_clusters (
    name TEXT PRIMARY KEY,
    login TEXT NOT NULL,
    -- the cluster's settings as SlurmClusterAdd parsed them (JSON)
    spec TEXT NOT NULL,
    error TEXT,
    -- the enrolment token the pilots register with; revoked when the cluster is removed
    token_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE slurm_pilots (
    cluster TEXT NOT NULL REFERENCES slurm_clusters(name) ON DELETE CASCADE,
    slurm_job_id TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    worker_name TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (cluster, slurm_job_id)
  );
  CREATE INDEX slurm_pilots_worker ON slurm_pilots (worker_name);
  `,
  // Tokens limited to one project (issue 22, for MCP clients): NULL reaches every project.
  `
  ALTER TABLE tokens ADD COLUMN project TEXT;
  `,
  // Slurm per-job mode (issue 15): each attempt sent as its own array task, kept so a restarted
  // coordinator goes on mirroring the tasks that still run.
  `
  CREATE TABLE slurm_direct_tasks (
    cluster TEXT NOT NULL REFERENCES slurm_clusters(name) ON DELETE CASCADE,
    slurm_job_id TEXT NOT NULL,
    job_id INTEGER NOT NULL,
    attempt INTEGER NOT NULL,
    -- the task's output file on the login node; its exit status is written to <out_file>.exit
    out_file TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    -- bytes of out_file already in the job's log, and the next log chunk number
    log_offset INTEGER NOT NULL DEFAULT 0,
    log_seq INTEGER NOT NULL DEFAULT 0,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (cluster, slurm_job_id)
  );
  `,
  // Issues 21 and 18: a `preempted` attempt outcome (SQLite cannot alter a CHECK, so attempts is
  // rebuilt; attempts stored before as lost with a preemption request become preempted), project
  // defaults for preemption (NULL: the job's own or the built-in default), the agents' clock skew
  // seen at their last heartbeat, and sweep-done tracking that survives a coordinator restart.
  `
  CREATE TABLE attempts_with_preempted (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    worker_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    lease_expires_at INTEGER,
    outcome TEXT CHECK (outcome IN ('succeeded', 'failed', 'lost', 'cancelled', 'timed_out', 'preempted')),
    exit_code INTEGER,
    error TEXT,
    gpus TEXT NOT NULL,
    cpus REAL NOT NULL,
    memory_mb INTEGER NOT NULL,
    log_seq INTEGER NOT NULL DEFAULT 0,
    log_bytes INTEGER NOT NULL DEFAULT 0,
    gpu_memory_used_mb REAL,
    preempt_requested_at INTEGER,
    preempted_by INTEGER,
    PRIMARY KEY (job_id, attempt),
    CHECK ((finished_at IS NOT NULL) = (outcome IS NOT NULL))
  ) WITHOUT ROWID;
  INSERT INTO attempts_with_preempted (job_id, attempt, worker_id, started_at, finished_at, lease_expires_at, outcome, exit_code, error,
      gpus, cpus, memory_mb, log_seq, log_bytes, gpu_memory_used_mb, preempt_requested_at, preempted_by)
    SELECT job_id, attempt, worker_id, started_at, finished_at, lease_expires_at,
      CASE WHEN outcome = 'lost' AND preempt_requested_at IS NOT NULL AND error LIKE 'preempted by %' THEN 'preempted' ELSE outcome END,
      exit_code, error, gpus, cpus, memory_mb, log_seq, log_bytes, gpu_memory_used_mb, preempt_requested_at, preempted_by
    FROM attempts;
  DROP TABLE attempts;
  ALTER TABLE attempts_with_preempted RENAME TO attempts;
  CREATE INDEX attempts_open_by_worker ON attempts (worker_id) WHERE finished_at IS NULL;
  CREATE INDEX attempts_gpu_finished ON attempts (finished_at) WHERE gpus <> '[]';
  -- Preemptions per project are counted from here (stats, /metrics); few rows, so the index is small.
  CREATE INDEX attempts_preempted ON attempts (finished_at) WHERE outcome = 'preempted';

  ALTER TABLE projects ADD COLUMN preemptible INTEGER;
  ALTER TABLE projects ADD COLUMN checkpoint_signal TEXT;
  ALTER TABLE projects ADD COLUMN grace_s INTEGER CHECK (grace_s >= 0);
  ALTER TABLE projects ADD COLUMN min_runtime_s INTEGER CHECK (min_runtime_s >= 0);

  -- agent clock minus coordinator clock at the last heartbeat that carried the agent's time (ms)
  ALTER TABLE workers ADD COLUMN clock_skew_ms INTEGER;

  -- A sweep (a batch of jobs of one project sharing created_at) that a sweep-done rule watches:
  -- open counts its jobs not yet final; the row goes once its notification is written.
  CREATE TABLE sweep_batches (
    project_id INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    jobs INTEGER NOT NULL,
    open INTEGER NOT NULL,
    failed INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, created_at)
  ) WITHOUT ROWID;
  `,
  // The chat bot (issue 18): tokens may carry the chat scope (read jobs and workers, explain, cancel;
  // SQLite cannot alter a CHECK, so tokens is rebuilt), chats linked to the coordinator with the token
  // each uses, and the one-time codes that link them (stored hashed, until they expire).
  `
  CREATE TABLE tokens_with_chat_scope (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'worker', 'job', 'read', 'metrics', 'chat')),
    job_id INTEGER,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    project TEXT
  );
  INSERT INTO tokens_with_chat_scope (id, name, scope, job_id, hash, prefix, created_at, last_used_at, revoked_at, project)
    SELECT id, name, scope, job_id, hash, prefix, created_at, last_used_at, revoked_at, project FROM tokens;
  DROP TABLE tokens;
  ALTER TABLE tokens_with_chat_scope RENAME TO tokens;

  CREATE TABLE chat_links (
    chat_id TEXT PRIMARY KEY,
    -- who linked it, as the chat service names them
    user TEXT NOT NULL,
    token_id INTEGER NOT NULL,
    linked_at INTEGER NOT NULL
  );
  CREATE TABLE chat_link_codes (
    code_hash TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // Artifacts (issue 17): files are stored once per content (blobs, by sha256) and counted by the
  // rows that refer to them; triggers keep blobs.refs, and a blob at zero refs is removed with its file.
  // An upload in progress keeps its declared size and hash; its bytes sit in a part file until verified.
  `
  ALTER TABLE jobs ADD COLUMN outputs TEXT NOT NULL DEFAULT '[]';
  CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL CHECK (size >= 0),
    refs INTEGER NOT NULL DEFAULT 0 CHECK (refs >= 0),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX blobs_unreferenced ON blobs (refs) WHERE refs = 0;
  CREATE TABLE artifacts (
    id INTEGER PRIMARY KEY,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    size INTEGER NOT NULL,
    attempt INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (job_id, name)
  );
  CREATE TRIGGER artifacts_ref AFTER INSERT ON artifacts BEGIN
    UPDATE blobs SET refs = refs + 1 WHERE sha256 = NEW.sha256;
  END;
  CREATE TRIGGER artifacts_unref AFTER DELETE ON artifacts BEGIN
    UPDATE blobs SET refs = refs - 1 WHERE sha256 = OLD.sha256;
  END;
  -- job_id NULL: the upload of a dataset, whose file name file_name keeps.
  CREATE TABLE artifact_uploads (
    id TEXT PRIMARY KEY,
    job_id INTEGER REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    file_name TEXT,
    description TEXT,
    size INTEGER NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL,
    attempt INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (job_id, name)
  );
  CREATE UNIQUE INDEX dataset_uploads_name ON artifact_uploads (name) WHERE job_id IS NULL;
  `,
  // Models (issue 17): a job's artifact registered as a named, numbered version, with the job's
  // params and final metrics as they were then. A model refers to its blob, so it outlives the job.
  `
  CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    sha256 TEXT NOT NULL REFERENCES blobs(sha256),
    size INTEGER NOT NULL,
    job_id INTEGER,
    artifact TEXT NOT NULL,
    params TEXT NOT NULL,
    metrics TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (name, version)
  );
  CREATE TRIGGER models_ref AFTER INSERT ON models BEGIN
    UPDATE blobs SET refs = refs + 1 WHERE sha256 = NEW.sha256;
  END;
  CREATE TRIGGER models_unref AFTER DELETE ON models BEGIN
    UPDATE blobs SET refs = refs - 1 WHERE sha256 = OLD.sha256;
  END;
  `,
  // Suites (issue 16): jobs that share an environment, set up once per worker. Counters per state are
  // kept by triggers like job_counts, so a suite of 10,000 jobs is read without a scan; last_activity_at
  // (the latest submit, start or end of one of its jobs) tells the sweep when it has been idle long enough to close.
  `
  CREATE TABLE suites (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    project_id INTEGER NOT NULL REFERENCES projects(id),
    labels TEXT NOT NULL DEFAULT '{}',
    tags TEXT NOT NULL DEFAULT '[]',
    priority INTEGER NOT NULL DEFAULT 0,
    setup TEXT,
    cleanup TEXT,
    idle_close_s INTEGER,
    state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    total INTEGER NOT NULL DEFAULT 0,
    waiting INTEGER NOT NULL DEFAULT 0,
    queued INTEGER NOT NULL DEFAULT 0,
    running INTEGER NOT NULL DEFAULT 0,
    succeeded INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    last_activity_at INTEGER NOT NULL,
    closed_at INTEGER,
    closed_by TEXT CHECK (closed_by IN ('hand', 'idle')),
    CHECK ((closed_at IS NOT NULL) = (state = 'closed'))
  );
  -- A name names one open suite; a closed suite's name may be used again.
  CREATE UNIQUE INDEX suites_open_name ON suites (name) WHERE state = 'open';
  CREATE INDEX suites_name ON suites (name, id);
  CREATE INDEX jobs_suite ON jobs (suite_id, id) WHERE suite_id IS NOT NULL;

  CREATE TRIGGER suite_counts_insert AFTER INSERT ON jobs WHEN NEW.suite_id IS NOT NULL BEGIN
    UPDATE suites SET total = total + 1,
      waiting = waiting + (NEW.state = 'waiting'), queued = queued + (NEW.state = 'queued'), running = running + (NEW.state = 'running'),
      succeeded = succeeded + (NEW.state = 'succeeded'), failed = failed + (NEW.state = 'failed'),
      cancelled = cancelled + (NEW.state = 'cancelled'), blocked = blocked + (NEW.state = 'blocked'),
      last_activity_at = MAX(last_activity_at, NEW.created_at)
    WHERE id = NEW.suite_id;
  END;
  CREATE TRIGGER suite_counts_update AFTER UPDATE OF state ON jobs WHEN NEW.suite_id IS NOT NULL AND OLD.state <> NEW.state BEGIN
    UPDATE suites SET
      waiting = waiting + (NEW.state = 'waiting') - (OLD.state = 'waiting'),
      queued = queued + (NEW.state = 'queued') - (OLD.state = 'queued'),
      running = running + (NEW.state = 'running') - (OLD.state = 'running'),
      succeeded = succeeded + (NEW.state = 'succeeded') - (OLD.state = 'succeeded'),
      failed = failed + (NEW.state = 'failed') - (OLD.state = 'failed'),
      cancelled = cancelled + (NEW.state = 'cancelled') - (OLD.state = 'cancelled'),
      blocked = blocked + (NEW.state = 'blocked') - (OLD.state = 'blocked'),
      last_activity_at = MAX(last_activity_at, COALESCE(NEW.finished_at, 0), COALESCE(NEW.started_at, 0), COALESCE(NEW.queued_at, 0))
    WHERE id = NEW.suite_id;
  END;
  CREATE TRIGGER suite_counts_delete AFTER DELETE ON jobs WHEN OLD.suite_id IS NOT NULL BEGIN
    UPDATE suites SET total = total - 1,
      waiting = waiting - (OLD.state = 'waiting'), queued = queued - (OLD.state = 'queued'), running = running - (OLD.state = 'running'),
      succeeded = succeeded - (OLD.state = 'succeeded'), failed = failed - (OLD.state = 'failed'),
      cancelled = cancelled - (OLD.state = 'cancelled'), blocked = blocked - (OLD.state = 'blocked')
    WHERE id = OLD.suite_id;
  END;

  -- How each worker stands with a suite: set up (prefers its jobs), cleaned up, or banned after 3 failed setups.
  CREATE TABLE suite_workers (
    suite_id INTEGER NOT NULL REFERENCES suites(id) ON DELETE CASCADE,
    worker_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('set_up', 'failed', 'banned', 'cleaned')),
    setup_failures INTEGER NOT NULL DEFAULT 0,
    setups INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (suite_id, worker_id)
  ) WITHOUT ROWID;
  CREATE INDEX suite_workers_worker ON suite_workers (worker_id, state);

  -- Each hook run on each worker; its output is a file under suite-logs/ in the data dir, like job logs.
  CREATE TABLE suite_hook_runs (
    id INTEGER PRIMARY KEY,
    suite_id INTEGER NOT NULL REFERENCES suites(id) ON DELETE CASCADE,
    worker_id TEXT NOT NULL,
    hook TEXT NOT NULL CHECK (hook IN ('setup', 'cleanup')),
    outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'timed_out')),
    exit_code INTEGER,
    error TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    log_bytes INTEGER NOT NULL
  );
  CREATE INDEX suite_hook_runs_suite ON suite_hook_runs (suite_id, id);
  `,
  // Kubernetes clusters (issue 22), formerly k8s-clusters.json in the data dir: the settings as KubernetesClusterAdd parsed them.
  `
  CREATE TABLE k8s_clusters (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    error TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
];
