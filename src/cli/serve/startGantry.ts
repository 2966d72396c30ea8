import { join } from 'node:path';
import type { RunningServer } from '../../server';
import { removeServerInfo, writeServerInfo, type ServerInfo } from '../connection';
import { PACKAGE_ROOT } from '../packageRoot';
import { lazyKubernetesSupport } from './kubernetesSupport';

export interface GantryOptions {
  dataDir: string;
  host: string;
  port: number;
  localWorker: boolean;
  webRoot?: string;
  /** Host names browsers may use besides localhost and IP addresses (`--allowed-host`). */
  allowedHosts?: string[];
  workerName: string;
  /** Server log level; warnings only by default so the banner stays readable. */
  logLevel: string;
  version: string;
  /** `GET /metrics` without a token from loopback callers. */
  metricsOpen?: boolean;
}

export interface RunningGantry {
  /** The server's own URL, and the loopback URL clients on this machine should use. */
  url: string;
  localUrl: string;
  port: number;
  token: string;
  tokenCreated: boolean;
  /** Paths in the data dir that were readable by others and have been made owner-only. */
  tightened: string[];
  tokenPath: string;
  spoolDir: string | null;
  /** Where secrets (SSH passphrases, pasted tokens) are kept: plain text, mode 0600. */
  secretsPath: string;
  /** Stops the local worker (gracefully unless told otherwise), the server, then the coordinator. */
  stop(options: { graceful: boolean }): Promise<void>;
}


/**
 * GANTRY_LEASE_TTL_S: how long a lease lives without a heartbeat (default 30 s). Short leases notice
 * a dead worker sooner; tests use it to outlast a lease within seconds.
 */
export function leaseTtlFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const text = env.GANTRY_LEASE_TTL_S;
  if (text === undefined || text === '') return undefined;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 1) throw new Error(`GANTRY_LEASE_TTL_S: expected a number of seconds, 1 or more, not "${text}"`);
  return seconds * 1000;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]', '']);

/**
 * Starts coordinator, server and the in-process local worker, and leaves server.json behind.
 * The heavy modules load here, not at the top, so `gantry ls` never pays for SQLite and fastify.
 */
export async function startGantry(options: GantryOptions): Promise<RunningGantry> {
  const [{ createCoordinator, secretsFilePath, secureDataDir }, { startServer, ensureAdminToken, RestartableWorker }] = await Promise.all([import('../../core'), import('../../server')]);
  // 0700 and 0600 within: the data dir holds the admin token, every job's env and logs.
  const tightened = secureDataDir(options.dataDir);
  const coordinator = createCoordinator({ dataDir: options.dataDir, leaseTtlMs: leaseTtlFromEnv(process.env), checkpointInBackground: { resolveFrom: join(PACKAGE_ROOT, 'package.json') } });
  let server: RunningServer | undefined;
  try {
    const { token, created } = await ensureAdminToken(coordinator, options.dataDir);
    const spoolDir = options.localWorker ? join(options.dataDir, 'spool') : null;
    const quiet = options.logLevel !== 'info' && options.logLevel !== 'debug';
    // The agent `gantry hosts up` installs and Kubernetes pilots run: what `npm run build:agent` made in this package.
    const agentBundle = process.env.GANTRY_AGENT_BUNDLE ?? join(PACKAGE_ROOT, 'out', 'agent', 'gantry-agent.js');
    // The agent needs the server's URL, so it is launched once the server listens, and again on `workers start`.
    let localUrl = '';
    const localWorker = spoolDir
      ? new RestartableWorker(async () => {
          const { startAgent, stderrLogger } = await import('../../agent');
          return startAgent({ url: localUrl, token, name: options.workerName, spoolDir, logger: stderrLogger({ quiet }) });
        })
      : undefined;
    server = await startServer({
      localWorker,
      kubernetes: lazyKubernetesSupport({ dataDir: options.dataDir, token, quiet, env: process.env, agentBundle }),
      coordinator,
      host: options.host,
      port: options.port,
      webRoot: options.webRoot,
      allowedHosts: options.allowedHosts,
      version: options.version,
      logger: { level: options.logLevel },
      metricsOpen: options.metricsOpen,
      // The chat bot runs when a Bot API token is given; the base URL may point at a self-hosted Bot API server.
      chatBot: process.env.GANTRY_TELEGRAM_BOT_TOKEN ? { token: process.env.GANTRY_TELEGRAM_BOT_TOKEN, apiBase: process.env.GANTRY_TELEGRAM_API_URL } : undefined,
      hosts: { agentBundle },
    });
    localUrl = WILDCARD_HOSTS.has(options.host) ? `http://127.0.0.1:${server.port}` : server.url;
    const info: ServerInfo = { url: localUrl, pid: process.pid };
    await writeServerInfo(options.dataDir, info);

    await localWorker?.start();

    const running = server;
    return {
      url: server.url,
      localUrl,
      port: server.port,
      token,
      tokenCreated: created,
      tightened,
      tokenPath: join(options.dataDir, 'admin-token'),
      spoolDir,
      secretsPath: secretsFilePath(options.dataDir),
      async stop({ graceful }) {
        await localWorker?.stop({ graceful });
        await removeServerInfo(options.dataDir, info);
        await running.close();
        coordinator.close();
      },
    };
  } catch (error) {
    await server?.close();
    coordinator.close();
    throw error;
  }
}
