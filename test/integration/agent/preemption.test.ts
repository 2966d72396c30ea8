import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAgent, type Agent } from '../../../src/agent';
import { startCoordinatorServer, type CoordinatorServer } from '../../support/coordinatorServer';
import { waitFor } from '../../support/waitFor';

const fixtures = join(__dirname, '../../fixtures/nvidia-smi');
const silentLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let server: CoordinatorServer | undefined;
let agent: Agent | undefined;
let spoolDir: string;

afterEach(async () => {
  await agent?.stop({ graceful: false });
  await server?.close();
  rmSync(spoolDir, { recursive: true, force: true });
  agent = undefined;
  server = undefined;
});

/** One agent with one GPU (the RTX 4090 recording), so a GPU job holds the whole worker. */
async function start(): Promise<{ s: CoordinatorServer; a: Agent }> {
  server = await startCoordinatorServer();
  spoolDir = mkdtempSync(join(tmpdir(), 'gantry-agent-'));
  process.env.GANTRY_FAKE_SMI_GPUS = join(fixtures, 'rtx4090-gpus.csv');
  process.env.GANTRY_FAKE_SMI_APPS = join(fixtures, 'no-apps.csv');
  agent = await startAgent({
    url: server.url, token: server.workerToken, name: 'gpu-box', maxJobs: 2, spoolDir,
    nvidiaSmi: join(fixtures, 'fake-nvidia-smi'), heartbeatMs: 50, claimWaitMs: 200, killGraceMs: 500, logger: silentLogger,
  });
  return { s: server, a: agent };
}

// Counts steps into the checkpoint dir; on SIGUSR1 it saves its step and exits. A resumed attempt
// starts from the saved step and finishes at step 5 once a "go" file exists beside the checkpoint.
const TRAINER = `
const fs = require('fs'), path = require('path');
const dir = process.env.GANTRY_CHECKPOINT_DIR, saved = path.join(dir, 'step');
let step = process.env.GANTRY_RESUME === '1' && fs.existsSync(saved) ? Number(fs.readFileSync(saved, 'utf8')) : 0;
console.log('start at step ' + step + ' attempt ' + process.env.GANTRY_ATTEMPT);
process.on('SIGUSR1', () => { fs.writeFileSync(saved, String(step)); console.log('checkpointed at ' + step); process.exit(0); });
setInterval(() => {
  if (step < 3) step++;
  fs.writeFileSync(path.join(dir, 'progress'), String(step));
  if (step >= 3 && fs.existsSync(path.join(dir, 'go'))) { console.log('done from ' + step); process.exit(0); }
}, 20);`;

describe('preemption with a real agent', () => {
  it('checkpoints a preemptible job on SIGUSR1, runs the urgent job, and resumes from the saved step', async () => {
    const { s } = await start();
    const c = s.coordinator;
    const victim = c.submit({ command: ['node', '-e', TRAINER], preemptible: true, min_runtime_s: 0, grace_s: 30, requirements: { gpus: 1 } });
    const checkpointDir = join(spoolDir, 'checkpoints', String(victim.id));
    await waitFor(() => c.getJob(victim.id).state === 'running', 'the preemptible job to run');
    // Wait until it has counted to 3, so the checkpoint has something to save.
    await waitFor(() => { try { return readFileSync(join(checkpointDir, 'progress'), 'utf8') === '3'; } catch { return false; } }, 'the trainer to reach step 3');
    const urgent = c.submit({ command: ['node', '-e', 'console.log("urgent")'], priority: 10, requirements: { gpus: 1 } });
    await waitFor(() => c.getJob(urgent.id).state === 'succeeded', 'the urgent job to run and succeed', 30_000);
    expect(c.listAttempts(victim.id)[0]).toMatchObject({ outcome: 'preempted', error: `preempted by #${urgent.id}`, preempted_by: urgent.id });
    writeFileSync(join(checkpointDir, 'go'), '');
    await waitFor(() => c.getJob(victim.id).state === 'succeeded', 'the preempted job to resume and succeed', 30_000);
    expect(c.getJob(victim.id)).toMatchObject({ attempt: 2, counted_attempts: 1, preempted_attempts: 1 });
    expect(c.readLog(victim.id, 1).data.toString()).toContain('checkpointed at 3');
    expect(c.readLog(victim.id, 2).data.toString()).toContain('start at step 3 attempt 2');
    // Kept across the preemption (the resume above read it); gone once the job ended for good.
    await waitFor(() => !existsSync(checkpointDir), 'the checkpoint directory to go once the job succeeded', 30_000);
  });

  it('kills a job that ignores the checkpoint signal once the grace period is over', async () => {
    const { s } = await start();
    const c = s.coordinator;
    const stubborn = c.submit({ command: ['node', '-e', 'process.on("SIGUSR1", () => console.log("ignoring")); process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'], preemptible: true, min_runtime_s: 0, grace_s: 1, requirements: { gpus: 1 } });
    // Preemption now starts at the urgent job's submit: the handlers must be in place first (an
    // unhandled SIGUSR1 would start Node's inspector rather than reach the job's handler).
    await waitFor(() => c.getJob(stubborn.id).state === 'running' && c.readLog(stubborn.id, 1).data.toString().includes('ready'), 'the stubborn job to run with its handlers set');
    const urgent = c.submit({ command: ['true'], priority: 10, requirements: { gpus: 1 } });
    await waitFor(() => c.getJob(urgent.id).state === 'succeeded', 'the urgent job to run once the stubborn one is killed', 30_000);
    expect(c.listAttempts(stubborn.id)[0]).toMatchObject({ outcome: 'preempted', error: `preempted by #${urgent.id}` });
    expect(c.readLog(stubborn.id, 1).data.toString()).toContain('ignoring');
  });
});
