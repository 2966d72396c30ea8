import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createCoordinator } from '../../../src/core';
import type { Coordinator } from '../../../src/core/api';
import { buildApp, type AppOptions } from '../../../src/server';
import { RegisteredWorker } from '../../../src/shared';

export interface TestServer {
  app: FastifyInstance;
  coordinator: Coordinator;
  dataDir: string;
  tokens: { admin: string; read: string; worker: string };
  /** Registers a worker over HTTP with the enrolment token; returns it with the credential for its later calls. */
  enrol(name: string, resources?: { cpus?: number; memory_mb?: number }): Promise<RegisteredWorker>;
  /** `app.inject` with a bearer token and a JSON body. */
  call(method: InjectOptions['method'], url: string, token?: string, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** A real coordinator on a temp dir behind a real fastify app (not listening; call `app.listen` where needed). */
export async function createTestServer(options: Partial<AppOptions> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-server-'));
  const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
  const app = await buildApp({
    coordinator,
    logger: false,
    jobTokenSecret: 'test-secret',
    // Tests make many bad calls on purpose; the limiter has its own test.
    authFailureLimits: { maxFailures: 10_000, windowMs: 60_000, blockMs: 60_000 },
    ...options,
  });
  const tokens = {
    admin: coordinator.createToken({ name: 'admin', scope: 'admin' }).token,
    read: coordinator.createToken({ name: 'read', scope: 'read' }).token,
    worker: coordinator.createToken({ name: 'worker', scope: 'worker' }).token,
  };
  const call: TestServer['call'] = (method, url, token, body) =>
    app.inject({
      method,
      url,
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    });
  return {
    app,
    coordinator,
    dataDir,
    tokens,
    call,
    async enrol(name, resources = {}) {
      const response = await call('POST', '/api/v1/workers', tokens.worker, { name, cpus: resources.cpus ?? 8, memory_mb: resources.memory_mb ?? 32_000 });
      if (response.statusCode !== 200) throw new Error(`registering ${name}: ${response.statusCode} ${response.body}`);
      return RegisteredWorker.parse(response.json());
    },
    async close() {
      await app.close();
      coordinator.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A route path with every `:param` filled with a dummy value. */
export const dummyPath = (path: string): string => path.replace(/:(\w+)/g, (_, name: string) => (name === 'name' ? 'default' : '1'));
