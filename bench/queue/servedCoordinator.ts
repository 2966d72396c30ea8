import { fileURLToPath } from 'node:url';
import { createCoordinator, type Coordinator } from '../../src/core';
import { buildApp } from '../../src/server';
import { makeTempDir } from '../lib/tempDir';

export interface ServedCoordinator {
  coordinator: Coordinator;
  close(): Promise<void>;
}

/**
 * A coordinator on a fresh data dir with every listener `gantry serve` subscribes to its events
 * (the WebSocket hub's fan-out, the Prometheus counters, notification delivery), so in-process
 * figures pay what a served queue pays per event, and with the WAL checkpointed from a thread as
 * `gantry serve` does. The app is built and ready but not listening: the calls go straight to the
 * core, no HTTP in between.
 */
export async function startServedCoordinator(label: string): Promise<ServedCoordinator> {
  const dir = makeTempDir(label);
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null, checkpointInBackground: { resolveFrom: fileURLToPath(import.meta.url) } });
  const app = await buildApp({ coordinator, logger: false });
  await app.ready();
  return {
    coordinator,
    async close() {
      await app.close();
      coordinator.close();
      dir.remove();
    },
  };
}
