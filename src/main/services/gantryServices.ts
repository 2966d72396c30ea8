import { createCoordinator } from '../../core';
import type { Coordinator, SecretStore } from '../../core';
import { ensureAdminToken, RestartableWorker, startServer } from '../../server';
import { kubernetesHostSupport, startAgent, stderrLogger, type SpawnJob } from '../../agent';
import type { DataDirLayout } from '../paths/dataDirLayout';
import type { ShutdownStep } from '../lifecycle/shutdown';

/**
 * The coordinator, the embedded server and the local worker, wired in-process. Plain Node (no
 * Electron), so an integration test can start the desktop app's back end on its own.
 */
export interface GantryServices {
  coordinator: Coordinator;
  serverUrl: string;
  adminToken: string;
  localWorker: LocalWorker;
  /** Worker first (its jobs end gracefully and report to a live server), then the server, then SQLite. */
  shutdownSteps: ShutdownStep[];
}

export interface LocalWorker {
  /** null until the agent registered, or when it failed to start. */
  readonly workerId: string | null;
  readonly paused: boolean;
  setPaused(paused: boolean): void;
  stop(): Promise<void>;
}

export interface StartServicesOptions {
  layout: DataDirLayout;
  host: string;
  port: number;
  /** The built renderer the server serves at `/`. */
  webRoot: string;
  spawnJob: SpawnJob;
  workerName: string;
  /** electron-vite's dev server origin in `npm run dev`: its pages talk to the API too. */
  devServerOrigin?: string;
  /** Where the app keeps secrets (SSH key passphrases among them): the OS keychain (safeStorage) when it really encrypts. */
  secrets: SecretStore;
  /** The agent bundle provision installs on SSH hosts: the packaged app's resources/agent/gantry-agent.js. */
  agentBundle: string;
}

export async function startGantryServices(options: StartServicesOptions): Promise<GantryServices> {
  const { layout } = options;
  const coordinator = createCoordinator({ dataDir: layout.db });
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    const { token } = ensureAdminToken(coordinator, layout.db);
    // The agent needs the server's URL; an admin may stop it and start it again through the API.
    let url = '';
    // In-process and on loopback: the admin token enrols the local worker, which then uses its own worker credential.
    const worker = new RestartableWorker(() => startAgent({ url, token, name: options.workerName, spoolDir: layout.spool, spawnJob: options.spawnJob }));
    server = await startServer({
      coordinator,
      host: options.host,
      port: options.port,
      webRoot: options.webRoot,
      secrets: { path: options.secrets.path, protection: options.secrets.protection },
      secretStore: options.secrets,
      hosts: { agentBundle: options.agentBundle },
      allowedOrigins: options.devServerOrigin ? [options.devServerOrigin] : [],
      localWorker: worker,
      // Kubernetes clusters' bridge workers run here as in `gantry serve`, with the user's kubectl and kubeconfig.
      kubernetes: kubernetesHostSupport({ dataDir: layout.db, token, logger: stderrLogger({ quiet: true }), agentBundle: options.agentBundle }),
    });
    url = server.url;
    await worker.start();
    const localWorker = wrapWorker(coordinator, worker);
    const running = server;
    return {
      coordinator,
      serverUrl: running.url,
      adminToken: token,
      localWorker,
      shutdownSteps: [
        { name: 'stop the local worker', run: () => localWorker.stop() },
        { name: 'close the server', run: () => running.close() },
        { name: 'close the database', run: () => coordinator.close() },
      ],
    };
  } catch (error) {
    await server?.close();
    coordinator.close();
    throw error;
  }
}

function wrapWorker(coordinator: Coordinator, worker: RestartableWorker): LocalWorker {
  let paused = false;
  return {
    get workerId() {
      return worker.workerId();
    },
    get paused() {
      return paused;
    },
    setPaused(next) {
      // Draining lets running jobs finish and stops new claims; that is what "pause" means to a user.
      const id = worker.workerId();
      if (id !== null) coordinator.setWorkerState(id, next ? 'draining' : 'online');
      paused = next;
    },
    stop: () => worker.stop({ graceful: true }),
  };
}
