import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoordinator, type Coordinator } from '../../../src/core';
import type { SlurmCluster } from '../../../src/shared';
import { ensureAdminToken, startServer, type RunningServer } from '../../../src/server';
import { waitFor } from '../../support/waitFor';
import { runGantry, stdoutText } from '../cli/harness';
import { ensureAgentBundle } from '../../support/provisionHarness';
import { startSshd, type TestSshd } from '../../support/sshd';
import { startSlurm, type TestSlurm } from './support/slurmCluster';

describe('gantry slurm, end to end through the CLI and REST', () => {
  let slurm: TestSlurm;
  let login: TestSshd;
  let coordinator: Coordinator;
  let server: RunningServer;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  const gantry = (args: string[]) => runGantry(args, env);
  const clusters = async (): Promise<SlurmCluster[]> => JSON.parse(stdoutText(await gantry(['slurm', 'ls', '--json']))) as SlurmCluster[];

  beforeAll(async () => {
    slurm = await startSlurm();
    login = await startSshd({ env: slurm.env });
    dataDir = mkdtempSync(join(tmpdir(), 'gantry-slurm-cli-'));
    const knownHosts = join(dataDir, 'known_hosts');
    writeFileSync(knownHosts, `[${login.host}]:${login.port} ${login.hostKeyLine}\n`);
    coordinator = createCoordinator({ dataDir, sweepIntervalMs: 500 });
    coordinator.hosts.save({ name: 'login', ssh: { user: login.user, host: login.host, port: login.port }, identity_file: login.identityFile });
    server = await startServer({
      coordinator,
      logger: false,
      hosts: { agentBundle: ensureAgentBundle(), knownHostsFiles: [knownHosts], agentSocket: null, nodeCacheDir: null },
      slurm: { pollMs: 300 },
    });
    env = { GANTRY_URL: server.url, GANTRY_TOKEN: ensureAdminToken(coordinator, dataDir).token };
  });
  afterAll(async () => {
    await slurm?.stop();
    await server?.close();
    coordinator?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await login?.stop();
  });

  it('refuses a cluster on a login node that is not a host, naming --login', async () => {
    const refused = await gantry(['slurm', 'add', 'c', '--login', 'nobody']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/login: no host is named nobody/);
    expect(await clusters()).toEqual([]);
  });

  it('adds a cluster, says why a job waits for its pilot, runs the job there, and removes it', async () => {
    const added = await gantry(['slurm', 'add', 'c', '--login', 'login', '--max-pilots', '1', '--idle-timeout', '3', '--time', '20', '--partition', 'debug']);
    expect(added.stderr).toBe('');
    expect(stdoutText(added)).toMatch(/^cluster c: login login, partition debug; pilots 0-1 of 1 cpu\(s\), 20 min, idle exit 3 s; demand 0/);
    expect(await clusters()).toMatchObject([{ name: 'c', login: 'login', partition: 'debug', max_pilots: 1, pilots: [], error: null }]);
    expect(stdoutText(await gantry(['slurm', 'ls']))).toMatch(/NAME\s+LOGIN\s+PARTITION\s+PILOTS\s+DEMAND/);

    const blocker = (await slurm.command(['sbatch', '--parsable', '--exclusive', '-o', '/dev/null', '--wrap', 'sleep 600'])).trim();
    const id = stdoutText(await gantry(['submit', '--slurm', 'c', '--', 'sh', '-c', 'echo "from pilot $GANTRY_JOB_ID"'])).trim();
    await waitFor(async () => /waiting for a pilot on cluster c \(pending in Slurm: Resources\)/.test(stdoutText(await gantry(['why', id]))), 'why to name the pending pilot');
    const shown = stdoutText(await gantry(['slurm', 'show', 'c']));
    expect(shown).toMatch(/pilot \d+_0 {2}PENDING \(Resources\) {2}not registered/);
    await slurm.command(['scancel', blocker]);

    expect((await gantry(['wait', id, '--timeout', '90'])).code).toBe(0);
    expect(stdoutText(await gantry(['logs', id]))).toContain(`from pilot ${id}`);
    const job = coordinator.getJob(Number(id));
    expect(coordinator.getWorker(job.worker_id!).name).toMatch(/^c-\d+_0$/);

    const removed = await gantry(['slurm', 'rm', 'c']);
    expect(stdoutText(removed)).toMatch(/^cluster c: removed/);
    expect(await clusters()).toEqual([]);
    await waitFor(async () => (await slurm.command(['squeue', '-h', '-o', '%i'])).trim() === '', 'the pilots cancelled');
    // A dozen CLI processes, each a Node start: slow on a loaded machine.
  }, 180_000);

  it('sends a job submitted with --slurm NAME --direct to Slurm on its own, and its output back as its log', async () => {
    await gantry(['slurm', 'add', 'd', '--login', 'login']);
    const id = stdoutText(await gantry(['submit', '--slurm', 'd', '--direct', '--', 'sh', '-c', 'echo "direct in $SLURM_JOB_NAME"'])).trim();
    expect((await gantry(['wait', id, '--timeout', '90'])).code).toBe(0);
    expect(stdoutText(await gantry(['logs', id]))).toBe('direct in gantry-job-d\n');
    expect(coordinator.getWorker(coordinator.getJob(Number(id)).worker_id!).name).toBe('d-direct');
    expect(stdoutText(await gantry(['slurm', 'rm', 'd']))).toMatch(/^cluster d: removed/);
  }, 180_000);

  it('describes the routes in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/slurm', '/api/v1/slurm/{name}']));
  });
});
