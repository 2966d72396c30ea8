/** Trust, lost attempts, GPU accounting, maintenance, SSH hosts, notifications, preemption. Entries of MIGRATIONS (src/core/store/migrations.ts), in order; never edit one. */
export const FLEET: string[] = [
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
];
