import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinator, type Coordinator } from '../../src/core';
import { startServer } from '../../src/server';

export interface CoordinatorServer {
  coordinator: Coordinator;
  url: string;
  /** A worker-scope token, as an agent on another host is given. */
  workerToken: string;
  dataDir: string;
  close(): Promise<void>;
}

/** The real coordinator and server on loopback, in this process, for driving an agent end to end. */
export async function startCoordinatorServer(options: { leaseTtlMs?: number } = {}): Promise<CoordinatorServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-agent-coordinator-'));
  const leaseTtlMs = options.leaseTtlMs ?? 30_000;
  const coordinator = createCoordinator({ dataDir, leaseTtlMs, workerTimeoutMs: leaseTtlMs * 2, sweepIntervalMs: 100 });
  const server = await startServer({ coordinator, port: 0, logger: false });
  const workerToken = coordinator.createToken({ name: 'agent-test', scope: 'worker' }).token;
  return {
    coordinator,
    url: server.url,
    workerToken,
    dataDir,
    async close() {
      await server.close();
      coordinator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
