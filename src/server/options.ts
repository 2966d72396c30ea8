import type { LoggerOptions } from 'pino';
import type { FastifyInstance } from 'fastify';
import type { Coordinator, SecretStore } from '../core';
import type { HostServiceOptions, SlurmService } from '../provision';
import type { AuthFailureLimits } from './auth/authFailureLimiter';
import type { LocalWorkerControl } from './localWorker';
import type { KubernetesSupport } from './kubernetes/kubernetesBridges';
import type { ChatBotOptions } from './chat/telegramBot';

export interface AppOptions {
  coordinator: Coordinator;
  /** Folder of the built renderer; served at `/` only when given and present. */
  webRoot?: string;
  /** Pino options, or false for no logging. Default: info level. */
  logger?: LoggerOptions | false;
  /** Largest request body in bytes; default 10 MiB (a log chunk is at most 8 MiB of base64). */
  bodyLimit?: number;
  /** Signs job tokens; default: a secret kept in `<dataDir>/job-token-secret`. */
  jobTokenSecret?: string | Buffer;
  /** Where and how the host keeps secrets; default: the headless 0600 file in the data dir. */
  secrets?: { path: string; protection: 'os-encryption' | 'file-mode-only' };
  /** Reported by the health route and the OpenAPI document. */
  version?: string;
  authFailureLimits?: AuthFailureLimits;
  /** `GET /metrics` without a token, for callers on loopback only (`gantry serve --metrics-open`). */
  metricsOpen?: boolean;
  /** Keeps SSH key passphrases; default: the headless 0600 file in the data dir. */
  secretStore?: SecretStore;
  /** SSH hosts (agent bundle, known_hosts, node cache…); defaults suit `gantry serve` from a checkout. */
  hosts?: Partial<Omit<HostServiceOptions, 'coordinator' | 'secrets' | 'localUrl'>>;
  /**
   * Slurm clusters: how often pilots are looked at (default 5 s). Or a service to serve in place of
   * the server's own, which its owner starts and closes (a test that drives the passes itself): two
   * services on one coordinator would each launch pilots and overwrite each other's cluster error.
   */
  slurm?: { pollMs?: number } | { service: SlurmService };
  /** Runs Kubernetes clusters' bridge workers (`gantry serve` and the desktop app give it); without it clusters are only stored. */
  kubernetes?: KubernetesSupport;
  /** Webhook deliveries: the fetch they use and the first retry delay (doubling); tests shorten it. */
  notifications?: { fetch?: typeof fetch; retryBaseMs?: number };
  /** The chat bot on the Telegram Bot API (`GANTRY_TELEGRAM_BOT_TOKEN` for `gantry serve`); off when absent. */
  chatBot?: ChatBotOptions;
  /** The host's own worker, so `POST /workers/:id/start` can start it again after a stop. */
  localWorker?: LocalWorkerControl;
  /** Host names besides loopback and IP literals that requests may be addressed to (DNS-rebinding defence). */
  allowedHosts?: string[];
  /** Origins besides the server's own allowed to change state and open the WebSocket. */
  allowedOrigins?: string[];
  /** How long a job token may still read its job after its attempt ended; default 5 minutes. */
  jobTokenReadGraceMs?: number;
  now?: () => number;
  /**
   * Check every JSON response against its route's response schema and answer 500 naming any
   * mismatch. For tests (a zod pass per response); default: on when GANTRY_CHECK_RESPONSES=1,
   * which vitest.config.ts sets for every test and the servers they start as child processes.
   */
  checkResponses?: boolean;
  /**
   * Offer agents the channel (one WebSocket per agent for its per-job calls, issue 19); default on,
   * off with GANTRY_AGENT_CHANNEL=0. Off, agents use HTTP alone, as with a coordinator from before it.
   */
  agentChannel?: boolean;
}

export interface ServerOptions extends AppOptions {
  /** Default 127.0.0.1: another address only on request. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  app: FastifyInstance;
  close(): Promise<void>;
}
