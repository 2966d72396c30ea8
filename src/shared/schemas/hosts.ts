import { z } from 'zod';

const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** Host names become worker names, tags (`host:NAME`) and remote unit names, so they stay plain. */
export const HostName = z.string().regex(HOST_NAME, 'a host name is 1-63 letters, digits, . _ - and starts with a letter or digit');

/** One SSH hop: `USER@HOST[:PORT]`. */
export const SshEndpoint = z.strictObject({
  user: z.string().min(1).max(64).regex(/^[A-Za-z0-9._][A-Za-z0-9._-]*$/, 'a user name is letters, digits, . _ -'),
  host: z.string().min(1).max(255).regex(/^[A-Za-z0-9.:_-]+$/, 'a host is a name or an address'),
  port: z.number().int().min(1).max(65535).default(22),
});
export type SshEndpoint = z.infer<typeof SshEndpoint>;

/** Adding a host that exists updates it in place. */
export const HostAdd = z.strictObject({
  name: HostName,
  ssh: SshEndpoint,
  /** A private key file on the coordinator's machine; without it, the ssh-agent (`SSH_AUTH_SOCK`) or ~/.ssh/id_*. */
  identity_file: z.string().min(1).max(4096).nullable().default(null),
  /** The key's passphrase: kept in the secret store, never in the database, logs or events. */
  passphrase: z.string().max(1024).optional(),
  /** ProxyJump hops, first to last; each hop's key is checked like the host's. */
  jump: z.array(SshEndpoint).max(8).default([]),
  /** Given to the host's workers as tags, next to `host:NAME`. */
  labels: z.array(z.string().min(1).max(100).regex(/^[^\s,]+$/, 'a label has no spaces or commas')).max(32).default([]),
  max_jobs: z.number().int().min(1).max(10_000).nullable().default(null),
  /** GPU indexes the agent may use; null: all. */
  gpus: z.array(z.number().int().min(0).max(1024)).max(1024).nullable().default(null),
});
export type HostAdd = z.input<typeof HostAdd>;

export const HostState = z.enum([
  /** The host presented a key nobody trusted yet: `hosts trust`. */
  'unknown-key',
  /** The host's key differs from the trusted one: blocked until the user trusts the new one. */
  'key-changed',
  'auth-failed',
  'unreachable',
  /** Reached and probed; no agent running. */
  'ready',
  'bootstrapping',
  /** The agent was started; its worker has not registered yet. */
  'starting',
  'online',
  'draining',
  /** The agent was started but its worker is offline (the host or its tunnel is down). */
  'offline',
  'error',
]);
export type HostState = z.infer<typeof HostState>;

/** What a probe found on the host. */
export const HostProbe = z.object({
  os: z.string(),
  arch: z.string(),
  cpus: z.number().int().nullable(),
  memory_mb: z.number().int().nullable(),
  gpus: z.array(z.object({ index: z.number().int(), model: z.string(), memory_total_mb: z.number().nullable() })),
  /** `v20.11.0`, or null when there is no node on PATH. */
  node_version: z.string().nullable(),
  /** Free space in the home directory. */
  disk_free_mb: z.number().int().nullable(),
  home: z.string(),
  /** Whether `systemd-run --user` works there (else setsid/nohup). */
  systemd_user: z.boolean(),
});
export type HostProbe = z.infer<typeof HostProbe>;

/** A key the host (or one of its jump hops) presented that is not trusted. */
export const PresentedKey = z.object({
  host: z.string(),
  port: z.number().int(),
  key_type: z.string(),
  fingerprint: z.string(),
  /** Set when a different key was trusted for this endpoint before: the key changed. */
  trusted_fingerprint: z.string().nullable(),
});
export type PresentedKey = z.infer<typeof PresentedKey>;

export const Host = z.object({
  name: z.string(),
  ssh: SshEndpoint,
  identity_file: z.string().nullable(),
  /** Whether a passphrase is kept in the secret store (never the passphrase). */
  has_passphrase: z.boolean(),
  jump: z.array(SshEndpoint),
  labels: z.array(z.string()),
  max_jobs: z.number().int().nullable(),
  gpus: z.array(z.number().int()).nullable(),
  state: HostState,
  /** What went wrong last, in words. */
  error: z.string().nullable(),
  /** The key waiting to be trusted (unknown-key, key-changed). */
  presented_key: PresentedKey.nullable(),
  probe: HostProbe.nullable(),
  agent_version: z.string().nullable(),
  /** `direct`: the agent reaches the coordinator itself; `tunnel`: through an SSH remote forward. */
  reach: z.enum(['direct', 'tunnel']).nullable(),
  worker_id: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type Host = z.infer<typeof Host>;

/** A host as a `host.*` event shows it: GET /api/v1/hosts/:name's shape, less has_passphrase (that lives with the secrets, outside the event log). */
export const HostSnapshot = Host.omit({ has_passphrase: true });
export type HostSnapshot = z.infer<typeof HostSnapshot>;

/** The data of every `host.*` event (QueueEvent.data); clients follow hosts from these alone. */
export const HostEventData = z.object({
  name: z.string(),
  /** The host after the change; null once removed. */
  host: HostSnapshot.nullable(),
  /** The shown state before the change; null for a new host, or when the host's worker moved it (its previous state is not kept). */
  previous_state: HostState.nullable(),
  /** host.trusted: the SHA256 fingerprint now trusted, and the endpoint (the host or a jump hop) that presented it. */
  fingerprint: z.string().optional(),
  endpoint: z.object({ host: z.string(), port: z.number().int() }).optional(),
  /** host.upgraded: the agent version it replaced. */
  previous_version: z.string().optional(),
});
export type HostEventData = z.infer<typeof HostEventData>;

export const HostTrust = z.strictObject({
  fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'a fingerprint looks like SHA256: followed by 43 base64 characters'),
});

export const HostDown = z.strictObject({
  /** true: stop now (running jobs are handed back); false: drain, then stop. */
  now: z.boolean().default(false),
});

export const HostLogQuery = z.strictObject({ lines: z.coerce.number().int().min(1).max(100_000).default(200) });
export const HostLog = z.object({ text: z.string() });

/** A directory on the coordinator's machine to copy to a host (`gantry submit --sync DIR`). */
export const HostSync = z.strictObject({
  dir: z.string().min(1).max(4096).refine((dir) => dir.startsWith('/'), 'dir: give an absolute path on the coordinator\'s machine'),
});
export type HostSync = z.input<typeof HostSync>;

export const HostSyncResult = z.object({
  /** The content address of the tree (files, links, executable bits, minus ignored files). */
  hash: z.string(),
  /** The job's cwd: the copy on the host, `~/.gantry/sync/<hash>` (the agent expands `~`). */
  cwd: z.string(),
  /** The same copy as an absolute path on the host. */
  path: z.string(),
  /** false: that tree was already on the host and nothing was sent. */
  uploaded: z.boolean(),
  files: z.number().int(),
  bytes: z.number().int(),
});
export type HostSyncResult = z.infer<typeof HostSyncResult>;

/**
 * The result of `POST /api/v1/workdirs` (`--sync DIR` without `--host`): the directory packed as a
 * content-addressed tar that any worker stages, extracted once per worker, into each attempt's own directory.
 */
export const PackedWorkDir = z.object({
  /** What a job's `sync` field takes: the stored tar, `dataset:sync-<hash>`. */
  sync: z.string(),
  /** The content address of the tree, as HostSyncResult names it. */
  hash: z.string(),
  /** false: that tree was stored already and nothing was packed. */
  stored: z.boolean(),
  files: z.number().int(),
  /** The files' bytes (the tar adds headers). */
  bytes: z.number().int(),
});
export type PackedWorkDir = z.infer<typeof PackedWorkDir>;

/** The remote shell's WebSocket (admin only); binary frames carry the terminal's bytes both ways. */
export const HOST_SHELL_PATH = '/api/v1/hosts/:name/shell';
export const hostShellPath = (name: string): string => HOST_SHELL_PATH.replace(':name', encodeURIComponent(name));

const TerminalCols = z.coerce.number().int().min(1).max(1000);
const TerminalRows = z.coerce.number().int().min(1).max(500);

/** The terminal's size when the shell opens (query of the WebSocket URL, beside `token`). */
export const HostShellQuery = z.object({ cols: TerminalCols.default(80), rows: TerminalRows.default(24) });

/** Text frames the client sends (keystrokes go as binary frames). */
export const HostShellClientMessage = z.discriminatedUnion('type', [z.strictObject({ type: z.literal('resize'), cols: TerminalCols, rows: TerminalRows })]);
export type HostShellClientMessage = z.infer<typeof HostShellClientMessage>;

/** Text frames the server sends (the shell's output goes as binary frames); the socket closes after either. */
export const HostShellServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
]);
export type HostShellServerMessage = z.infer<typeof HostShellServerMessage>;
