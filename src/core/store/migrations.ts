/**
 * Versioned schema. Each entry runs once, in order, inside a transaction, and bumps `PRAGMA user_version`.
 * Never edit a shipped entry: append a new one. Entries are literal SQL, never built from live
 * constants (such as JOB_STATES): a constant that changes later would silently change what an old
 * entry meant, and databases already past it would never see the change.
 * test/unit/core/store/migrations.test.ts opens databases made by earlier builds (test/fixtures/databases).
 */
export const MIGRATIONS: string[] = [
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
  // Tokens may carry the metrics scope (Prometheus scrapers): SQLite cannot alter a CHECK, so the table is rebuilt.
  `
  CREATE TABLE tokens_with_metrics_scope (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('admin', 'worker', 'job', 'read', 'metrics')),
    job_id INTEGER,
    hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
  );
  INSERT INTO tokens_with_metrics_scope (id, name, scope, job_id, hash, prefix, created_at, last_used_at, revoked_at)
    SELECT id, name, scope, job_id, hash, prefix, created_at, last_used_at, revoked_at FROM tokens;
  DROP TABLE tokens;
  ALTER TABLE tokens_with_metrics_scope RENAME TO tokens;
  `,
  // Lost attempts and retry delays (issue 13), and queued jobs grouped by requirement shape so a
  // claim looks at one head job per shape instead of walking past a backlog that cannot run.
  `
  ALTER TABLE jobs ADD COLUMN max_lost_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_lost_attempts >= 0);
  -- attempts lost or handed back since the last retry; they do not spend max_attempts
  ALTER TABLE jobs ADD COLUMN lost_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN retry_delay_s INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN retry_backoff INTEGER NOT NULL DEFAULT 0;
  -- a queued job waiting out its retry delay; NULL once claimable (the claim clears it when due)
  ALTER TABLE jobs ADD COLUMN retry_at INTEGER;

  -- One row per distinct requirements text; queued counts the shape's queued jobs (kept by triggers).
  CREATE TABLE job_shapes (
    id INTEGER PRIMARY KEY,
    requirements TEXT NOT NULL UNIQUE,
    queued INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO job_shapes (requirements) SELECT DISTINCT requirements FROM jobs;
  ALTER TABLE jobs ADD COLUMN shape_id INTEGER REFERENCES job_shapes(id);
  UPDATE jobs SET shape_id = (SELECT id FROM job_shapes WHERE job_shapes.requirements = jobs.requirements);
  UPDATE job_shapes SET queued = (SELECT COUNT(*) FROM jobs WHERE jobs.shape_id = job_shapes.id AND jobs.state = 'queued');
  CREATE TRIGGER job_shapes_insert AFTER INSERT ON jobs WHEN NEW.state = 'queued' BEGIN
    UPDATE job_shapes SET queued = queued + 1 WHERE id = NEW.shape_id;
  END;
  CREATE TRIGGER job_shapes_delete AFTER DELETE ON jobs WHEN OLD.state = 'queued' BEGIN
    UPDATE job_shapes SET queued = queued - 1 WHERE id = OLD.shape_id;
  END;
  CREATE TRIGGER job_shapes_update AFTER UPDATE OF state ON jobs WHEN (OLD.state = 'queued') <> (NEW.state = 'queued') BEGIN
    UPDATE job_shapes SET queued = queued + (CASE WHEN NEW.state = 'queued' THEN 1 ELSE -1 END) WHERE id = NEW.shape_id;
  END;
  -- Claimable jobs of one shape in claim order, and by age (is any old enough to reserve a worker?).
  CREATE INDEX jobs_shape_claim ON jobs (shape_id, priority DESC, id) WHERE state = 'queued' AND retry_at IS NULL;
  CREATE INDEX jobs_shape_age ON jobs (shape_id, queued_at) WHERE state = 'queued' AND retry_at IS NULL;
  CREATE INDEX jobs_retry_at ON jobs (retry_at) WHERE retry_at IS NOT NULL;
  `,
  // GPU accounting: idle stretches of GPUs held by attempts, GPU attempts by end time, and jobs
  // submitted / finished per hour (trigger-kept, like job_counts, so charts never scan jobs).
  `
  CREATE TABLE gpu_idle_spans (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    gpu_index INTEGER NOT NULL,
    worker_id TEXT NOT NULL,
    idle_since INTEGER NOT NULL,
    idle_until INTEGER NOT NULL,
    -- 1 while the GPU is still seen idle; the detector closes it when utilisation rises or the attempt ends
    open INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (job_id, attempt, gpu_index, idle_since)
  ) WITHOUT ROWID;
  CREATE INDEX gpu_idle_spans_until ON gpu_idle_spans (idle_until);
  CREATE INDEX gpu_idle_spans_open ON gpu_idle_spans (job_id) WHERE open = 1;

  CREATE INDEX attempts_gpu_finished ON attempts (finished_at) WHERE gpus <> '[]';

  CREATE TABLE job_flow_hourly (
    hour INTEGER NOT NULL,
    state TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (hour, state)
  ) WITHOUT ROWID;
  INSERT INTO job_flow_hourly (hour, state, n) SELECT created_at / 3600000 * 3600000, 'submitted', COUNT(*) FROM jobs GROUP BY 1;
  INSERT INTO job_flow_hourly (hour, state, n) SELECT finished_at / 3600000 * 3600000, state, COUNT(*) FROM jobs WHERE finished_at IS NOT NULL GROUP BY 1, 2;
  CREATE TRIGGER job_flow_submitted AFTER INSERT ON jobs BEGIN
    INSERT INTO job_flow_hourly (hour, state, n) VALUES (NEW.created_at / 3600000 * 3600000, 'submitted', 1)
      ON CONFLICT (hour, state) DO UPDATE SET n = n + 1;
  END;
  CREATE TRIGGER job_flow_finished AFTER UPDATE OF state ON jobs
    WHEN OLD.state <> NEW.state AND NEW.finished_at IS NOT NULL BEGIN
    INSERT INTO job_flow_hourly (hour, state, n) VALUES (NEW.finished_at / 3600000 * 3600000, NEW.state, 1)
      ON CONFLICT (hour, state) DO UPDATE SET n = n + 1;
  END;
  `,
  // On-demand maintenance tasks (prune, orphans, health, stats) with their status and what they did.
  `
  CREATE TABLE maintenance_tasks (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('prune', 'orphans', 'health', 'stats')),
    params TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
    result TEXT,
    error TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    CHECK ((finished_at IS NOT NULL) = (state <> 'running'))
  );
  CREATE INDEX maintenance_tasks_kind ON maintenance_tasks (kind, id);
  `,
  // Which bytes of an attempt's log came from stderr, as [start, start + length) ranges of the
  // interleaved log file; every other byte is stdout. Consecutive stderr chunks extend one range,
  // so a job costs a row per switch of stream, not per chunk; logs written before have none.
  `
  CREATE TABLE log_stderr_ranges (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    start INTEGER NOT NULL,
    length INTEGER NOT NULL CHECK (length > 0),
    PRIMARY KEY (job_id, attempt, start)
  ) WITHOUT ROWID;
  `,
  // The machine a job's cwd is a path on (the submitter's), so a worker elsewhere runs it in scratch.
  `
  ALTER TABLE jobs ADD COLUMN cwd_machine TEXT;
  `,
  // Hosts reached over SSH (src/provision) and the host keys the user trusted for them.
  `
  CREATE TABLE hosts (
    name TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    port INTEGER NOT NULL CHECK (port BETWEEN 1 AND 65535),
    user TEXT NOT NULL,
    -- a path on the coordinator's machine: private keys never leave it, and passphrases live in the secret store
    identity_file TEXT,
    jump TEXT NOT NULL DEFAULT '[]',
    labels TEXT NOT NULL DEFAULT '[]',
    max_jobs INTEGER,
    gpus TEXT,
    desired TEXT NOT NULL DEFAULT 'up' CHECK (desired IN ('up', 'down')),
    state TEXT NOT NULL,
    error TEXT,
    presented_key TEXT,
    probe TEXT,
    agent_version TEXT,
    agent_path TEXT,
    reach TEXT CHECK (reach IN ('direct', 'tunnel')),
    tunnel_port INTEGER,
    token_id INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );

  -- Gantry's own known_hosts, keyed like OpenSSH's: one trusted key per endpoint and key type.
  CREATE TABLE host_keys (
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    key_type TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    trusted_at INTEGER NOT NULL,
    PRIMARY KEY (host, port, key_type)
  ) WITHOUT ROWID;
  `,
  // Notification rules (webhooks) and their delivery log.
  `
  CREATE TABLE notify_rules (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL CHECK (event IN ('failure', 'sweep-done', 'worker-offline', 'idle-gpu', 'unrunnable')),
    project TEXT,
    webhook TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('json', 'slack', 'telegram')),
    created_at INTEGER NOT NULL
  );
  CREATE TABLE notify_deliveries (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL REFERENCES notify_rules(id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    data TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    created_at INTEGER NOT NULL,
    -- when a pending delivery is tried next; NULL once delivered or given up
    next_at INTEGER,
    delivered_at INTEGER
  );
  CREATE INDEX notify_deliveries_due ON notify_deliveries (next_at) WHERE state = 'pending';
  `,
  // Issue 12 (trust model): worker credentials, the auth log, job ids that are never reused.
  `
  -- sha256 of the worker's credential (gwrk_…); the token that enrolled it, so revoking that token cuts the worker off
  ALTER TABLE workers ADD COLUMN credential_hash TEXT;
  ALTER TABLE workers ADD COLUMN enrolled_by INTEGER;
  CREATE UNIQUE INDEX workers_credential ON workers (credential_hash) WHERE credential_hash IS NOT NULL;

  CREATE TABLE auth_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('failure', 'token_created', 'token_revoked')),
    address TEXT NOT NULL,
    token_name TEXT NOT NULL,
    route TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  CREATE INDEX auth_log_at ON auth_log (at);

  -- A job id once handed out is never handed out again (a reused id would revive the old job's tokens):
  -- deleting the newest job records its id, and new jobs are numbered past it.
  INSERT OR IGNORE INTO meta (key, value) VALUES ('job_id_high_water', (SELECT COALESCE(MAX(id), 0) FROM jobs));
  CREATE TRIGGER jobs_keep_id_high_water AFTER DELETE ON jobs
  WHEN OLD.id > CAST((SELECT value FROM meta WHERE key = 'job_id_high_water') AS INTEGER)
  BEGIN
    UPDATE meta SET value = OLD.id WHERE key = 'job_id_high_water';
  END;
  `,
  // Preemption (issue 21): preemptible jobs with their checkpoint signal, grace and minimum runtime;
  // preempted attempts re-queue without spending max_attempts (preempted_attempts, like lost_attempts,
  // is subtracted from the counted attempts but never fails the job). An attempt asked to stop for a
  // waiting job keeps that job's id, and the victims' worker is reserved for it until it is claimed.
  `
  ALTER TABLE jobs ADD COLUMN preemptible INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN checkpoint_signal TEXT NOT NULL DEFAULT 'SIGUSR1';
  ALTER TABLE jobs ADD COLUMN grace_s INTEGER NOT NULL DEFAULT 120 CHECK (grace_s >= 0);
  ALTER TABLE jobs ADD COLUMN min_runtime_s INTEGER NOT NULL DEFAULT 600 CHECK (min_runtime_s >= 0);
  ALTER TABLE jobs ADD COLUMN preempted_attempts INTEGER NOT NULL DEFAULT 0;
  -- set while the worker is told to checkpoint and stop the attempt; preempted_by is NULL when an admin asked by hand
  ALTER TABLE attempts ADD COLUMN preempt_requested_at INTEGER;
  ALTER TABLE attempts ADD COLUMN preempted_by INTEGER;
  ALTER TABLE workers ADD COLUMN reserved_for INTEGER;
  `,
  // Env names a job declares secret (issue 12): their values are redacted for read tokens like the names SECRET_ENV_NAME matches.
  `
  ALTER TABLE jobs ADD COLUMN secret_env TEXT NOT NULL DEFAULT '[]';
  `,
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
];
