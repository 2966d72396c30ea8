import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { waitFor } from '../../support/waitFor';

const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const HELPER_DIR = join(__dirname, '../../../resources/python');

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

const TRAIN = `
import gantry_job as g
p = g.params()
assert p == {"lr": 0.01, "layers": 3}, p
for step in range(3):
    g.log({"loss": 1.0 / (step + 1), "acc": step / 10}, step=step, epoch=step // 2)
with open("model.bin", "wb") as f:
    f.write(b"weights" * 1000)
art = g.upload("model.bin", name="model/final.bin")
again = g.upload("model.bin")
print("uploaded", art["name"], art["size"], art["sha256"], again["name"])
print("stop", g.should_stop(), "ckpt", g.checkpoint_dir())
`;

describe('gantry_job.py', () => {
  it('gives a real python3 job its params, and posts its metrics and uploads with its token', async () => {
    server = await startCoordinatorServer();
    agent = await startAgent({ url: server.url, token: server.workerToken, name: 'py', maxJobs: 1, spoolDir: tempDir('gantry-agent-'), heartbeatMs: 50, claimWaitMs: 200, killGraceMs: 500, logger: silentLogger });
    const cwd = tempDir('gantry-py-job-');
    writeFileSync(join(cwd, 'train.py'), TRAIN);
    const job = server.coordinator.submit({ command: ['python3', 'train.py'], cwd, params: { lr: 0.01, layers: 3 } });
    const c = server.coordinator;
    await waitFor(() => ['succeeded', 'failed'].includes(c.getJob(job.id).state), 'the python job to end', 60_000);
    const log = c.readLog(job.id, 1).data.toString();
    expect(c.getJob(job.id).state, log).toBe('succeeded');

    const sha256 = createHash('sha256').update(Buffer.from('weights'.repeat(1000))).digest('hex');
    expect(log).toContain(`uploaded model/final.bin 7000 ${sha256} model.bin`);
    expect(log).toMatch(/stop False ckpt \S+checkpoints\/\d+/);
    expect(c.artifacts.list(job.id).map((a) => [a.name, a.sha256, a.attempt])).toEqual([
      ['model.bin', sha256, 1],
      ['model/final.bin', sha256, 1],
    ]);
    const metrics = c.listMetrics(job.id);
    const loss = metrics.filter((m) => m.name === 'loss').map((m) => [m.step, m.value]);
    expect(loss).toEqual([[0, 1], [1, 0.5], [2, 1 / 3]]);
    expect(metrics.filter((m) => m.name === 'epoch').map((m) => [m.step, m.value])).toEqual([[0, 0], [1, 0], [2, 1]]);
    // Posted by REST, not printed: the agent's ::metric reader would otherwise have recorded each twice.
    expect(log).not.toContain('::metric');
  }, 90_000);

  it('run by hand, prints ::metric lines, uploads nothing and has no params', () => {
    const script = `
import gantry_job as g
print(g.params())
g.log({"loss": 0.5}, step=7, epoch=1)
open("notes.txt", "w").write("x")
print(g.upload("notes.txt"))
`;
    const env = { PATH: process.env.PATH, PYTHONPATH: HELPER_DIR, HOME: tempDir('gantry-py-home-') };
    const result = spawnSync('python3', ['-c', script], { env, encoding: 'utf8', cwd: env.HOME });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toEqual(['{}', '::metric {"step": 7, "loss": 0.5, "epoch": 1.0}', 'None', '']);
    expect(result.stderr).toContain('not run by Gantry');
  });

  it('should_stop() turns true when the checkpoint signal arrives, instead of the signal killing the script', () => {
    const script = `
import os, signal, gantry_job as g
print(g.should_stop())
os.kill(os.getpid(), signal.SIGUSR2)
print(g.should_stop())
`;
    const env = { PATH: process.env.PATH, PYTHONPATH: HELPER_DIR, GANTRY_CHECKPOINT_SIGNAL: 'SIGUSR2' };
    const result = spawnSync('python3', ['-c', script], { env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('False\nTrue\n');
  });
});
