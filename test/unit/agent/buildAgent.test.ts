import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stopChild } from '../../support/stopChild';
import { waitFor } from '../../support/waitFor';
import { startCoordinatorServer } from '../../support/coordinatorServer';

const run = promisify(execFile);
const root = join(__dirname, '../../..');
const bundle = join(root, 'out/agent/gantry-agent.js');

describe('scripts/build-agent.mjs', () => {
  it('bundles an agent that runs with plain node and pulls in no native module', async () => {
    const build = await run(process.execPath, [join(root, 'scripts/build-agent.mjs')], { cwd: root });
    expect(build.stdout).toMatch(/gantry-agent\.js [\d.]+ KiB/);
    const help = await run(process.execPath, [bundle, '--help']);
    expect(help.stdout).toContain('--url URL');
    const text = readFileSync(bundle, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(text).not.toMatch(/require\([^)]*\.node["']\)/);
    expect(text).not.toMatch(/node-pty|better-sqlite3/);
  });

  it('leaves zod and the shared schemas out: the agent checks replies with the generated JSON Schemas', () => {
    const text = readFileSync(bundle, 'utf8');
    expect(text).toContain('lease_ttl_s');
    expect(text).not.toMatch(/ZodError|\$ZodType|toJSONSchema/);
  });

  it('refuses to start without a coordinator address', async () => {
    await expect(run(process.execPath, [bundle, '--token', 't'])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--url is required') });
  });

  it('runs as a child process that registers with the real coordinator, runs a job from its spawn helper (--spawn-helper), and deregisters on SIGTERM', async () => {
    const server = await startCoordinatorServer();
    try {
      const child = spawn(process.execPath, [bundle, '--url', server.url, '--name', 'bundled', '--spawn-helper', '--spool-dir', mkdtempSync(join(tmpdir(), 'gantry-agent-'))], {
        env: { PATH: process.env.PATH, GANTRY_AGENT_TOKEN: server.workerToken, GANTRY_NVIDIA_SMI: '/nonexistent/nvidia-smi' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const job = server.coordinator.submit({ command: ['sh', '-c', 'echo bundled; echo "parent=$PPID"'] });
      await waitFor(() => server.coordinator.getJob(job.id).state === 'succeeded', 'the bundled agent to run a job');
      const log = server.coordinator.readLog(job.id, 1).data.toString();
      expect(log).toContain('bundled');
      // The job was forked by the helper the agent started, not by the agent itself.
      const parent = Number(/parent=(\d+)/.exec(log)?.[1]);
      expect(parent).not.toBe(child.pid);
      expect(readFileSync(`/proc/${parent}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=1');
      const [worker] = server.coordinator.listWorkers();
      expect(worker).toMatchObject({ name: 'bundled', gpus: [], state: 'online' });
      expect(await stopChild(child, { signal: 'SIGTERM' })).toEqual({ code: 0, signal: null });
      expect(server.coordinator.getWorker(worker.id).state).toBe('offline');
      expect(stderr).toContain('"msg":"registered"');
    } finally {
      await server.close();
    }
  });
});
