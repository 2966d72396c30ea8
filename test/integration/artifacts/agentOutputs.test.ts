import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { waitFor } from '../../support/waitFor';

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: CoordinatorServer | undefined;
let agent: Agent | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await agent?.stop({ graceful: false });
  await server?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  agent = undefined;
  server = undefined;
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

async function start(): Promise<CoordinatorServer> {
  server = await startCoordinatorServer();
  agent = await startAgent({ url: server.url, token: server.workerToken, name: 'outputs', maxJobs: 1, spoolDir: tempDir('gantry-agent-'), heartbeatMs: 50, claimWaitMs: 200, killGraceMs: 500, logger: silentLogger });
  return server;
}

describe('job outputs with a real agent', () => {
  it('uploads the files matching the output globs before the job counts as succeeded', async () => {
    const s = await start();
    const cwd = tempDir('gantry-outputs-cwd-');
    const job = s.coordinator.submit({
      command: { shell: 'mkdir -p ckpt && printf one > ckpt/a.pt && printf two > ckpt/b.pt && printf skip > ckpt/c.txt && printf "{}" > results.json' },
      cwd,
      outputs: ['ckpt/*.pt', 'results.json', 'missing/*.bin'],
    });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', 'the job to succeed', 60_000);
    const artifacts = s.coordinator.artifacts.list(job.id);
    expect(artifacts.map((a) => [a.name, a.size])).toEqual([['ckpt/a.pt', 3], ['ckpt/b.pt', 3], ['results.json', 2]]);
    expect(artifacts.every((a) => a.attempt === 1)).toBe(true);
    const log = s.coordinator.readLog(job.id, 1, 0, undefined, 'stderr').data.toString();
    expect(log).toContain('gantry: uploaded ckpt/a.pt (3 bytes');
  });

  it('says in the job log when no file matches its outputs', async () => {
    const s = await start();
    const job = s.coordinator.submit({ command: ['true'], cwd: tempDir('gantry-outputs-cwd-'), outputs: ['*.pt'] });
    await waitFor(() => s.coordinator.getJob(job.id).state === 'succeeded', 'the job to succeed', 60_000);
    expect(s.coordinator.artifacts.list(job.id)).toEqual([]);
    expect(s.coordinator.readLog(job.id, 1, 0, undefined, 'stderr').data.toString()).toContain('gantry: no files match the outputs *.pt');
  });
});
