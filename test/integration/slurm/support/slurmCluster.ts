import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../support/cluster';
import { stopChild } from '../../../support/stopChild';
import { waitFor } from '../../../support/waitFor';

const run = promisify(execFile);

/**
 * A real single-node Slurm (munged, slurmctld, slurmd) on localhost for one test file: its own
 * munge key and socket, its own ports, state, spool and logs in a temp dir. Commands find it
 * through SLURM_CONF (in `env`). Nothing is skipped when Slurm is missing: the tests fail and say
 * what to install, because a Slurm test that silently does not run proves nothing.
 */
export interface TestSlurm {
  dir: string;
  /** The one node: named after `hostname -s`, as slurmd finds itself by it. */
  nodeName: string;
  cpus: number;
  /** SLURM_CONF for commands run against this cluster. */
  env: Record<string, string>;
  /** Runs a Slurm client command (squeue, scancel…) against this cluster; resolves with stdout. */
  command(argv: string[]): Promise<string>;
  stop(): Promise<void>;
}

const BINARIES = ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/bin/squeue', '/usr/bin/scancel', '/usr/bin/sinfo'];

function requireBinaries(): void {
  const missing = BINARIES.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new Error(`real Slurm is needed for these tests, but ${missing.join(', ')} is missing: apt-get install -y slurm-wlm munge (.ci/run does)`);
}

function slurmConf(dir: string, nodeName: string, nodeCpus: number, memoryMb: number, ports: { ctld: number; slurmd: number }): string {
  return [
    'ClusterName=gantrytest',
    `SlurmctldHost=${nodeName}(127.0.0.1)`,
    'SlurmUser=root',
    'SlurmdUser=root',
    `SlurmctldPort=${ports.ctld}`,
    `SlurmdPort=${ports.slurmd}`,
    'AuthType=auth/munge',
    'CredType=cred/munge',
    // Our own munged: the system's may be absent or hold another key.
    `AuthInfo=socket=${join(dir, 'munge', 'munge.sock')}`,
    `StateSaveLocation=${join(dir, 'state')}`,
    `SlurmdSpoolDir=${join(dir, 'spool')}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
    `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core_Memory',
    // Without it one job is given the whole node's memory and the rest wait for it.
    'DefMemPerCPU=100',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'JobCompType=jobcomp/none',
    'MpiDefault=none',
    'ReturnToService=2',
    'SchedulerType=sched/backfill',
    'SchedulerParameters=sched_interval=1',
    'MaxArraySize=10001',
    'MaxJobCount=100000',
    'MinJobAge=300',
    'KillWait=2',
    'InactiveLimit=0',
    'SlurmdTimeout=30',
    `NodeName=${nodeName} NodeAddr=127.0.0.1 CPUs=${nodeCpus} RealMemory=${memoryMb} State=UNKNOWN`,
    'PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO',
    '',
  ].join('\n');
}

function daemon(argv: string[], env: NodeJS.ProcessEnv, log: { text: string }): ChildProcess {
  const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer): void => {
    log.text = (log.text + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return child;
}

function assertAlive(name: string, child: ChildProcess, log: { text: string }): void {
  if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}): ${log.text}`);
}

/** Starts munged, slurmctld and slurmd and waits until `sinfo` shows the node idle. */
export async function startSlurm(): Promise<TestSlurm> {
  requireBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-slurm-'));
  for (const sub of ['state', 'spool', 'log']) mkdirSync(join(dir, sub));
  mkdirSync(join(dir, 'munge'), { mode: 0o700 });
  const { randomBytes } = await import('node:crypto');
  writeFileSync(join(dir, 'munge', 'munge.key'), randomBytes(1024), { mode: 0o600 });

  const nodeName = hostname().split('.')[0];
  const nodeCpus = cpus().length;
  // Below the real figure: slurmd drains a node that has less memory than slurm.conf claims.
  const memoryMb = Math.floor((totalmem() / 1024 / 1024) * 0.9);
  const ports = { ctld: await freePort(), slurmd: await freePort() };
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, slurmConf(dir, nodeName, nodeCpus, memoryMb, ports));
  writeFileSync(join(dir, 'cgroup.conf'), 'CgroupPlugin=cgroup/v1\nIgnoreSystemd=yes\n');
  const env = { SLURM_CONF: conf };
  const childEnv = { ...process.env, ...env };

  const logs = { munged: { text: '' }, slurmctld: { text: '' }, slurmd: { text: '' } };
  const m = join(dir, 'munge');
  const munged = daemon(['/usr/sbin/munged', '-F', '-f', `--key-file=${join(m, 'munge.key')}`, `--socket=${join(m, 'munge.sock')}`, `--pid-file=${join(m, 'munged.pid')}`, `--log-file=${join(m, 'munged.log')}`, `--seed-file=${join(m, 'seed')}`], childEnv, logs.munged);
  const children: ChildProcess[] = [munged];
  const command = async (argv: string[]): Promise<string> => (await run(argv[0], argv.slice(1), { env: childEnv, maxBuffer: 64 * 1024 * 1024 })).stdout;

  const stop = async (): Promise<void> => {
    // Jobs first (pilot agents among them), so nothing a test started outlives its Slurm.
    await command(['scancel', '--full', '--user', 'root']).catch(() => undefined);
    await waitFor(async () => (await command(['squeue', '-h', '-o', '%i'])).trim() === '', 'Slurm jobs to end', 20_000).catch(() => undefined);
    for (const child of children.reverse()) await stopChild(child, { killAfterMs: 5_000 });
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await waitFor(() => {
      assertAlive('munged', munged, logs.munged);
      return existsSync(join(m, 'munge.sock'));
    }, 'munged to listen', 20_000);
    const ctld = daemon(['/usr/sbin/slurmctld', '-D', '-c', '-i'], childEnv, logs.slurmctld);
    children.push(ctld);
    const slurmd = daemon(['/usr/sbin/slurmd', '-D'], childEnv, logs.slurmd);
    children.push(slurmd);
    await waitFor(async () => {
      assertAlive('slurmctld', ctld, logs.slurmctld);
      assertAlive('slurmd', slurmd, logs.slurmd);
      return (await command(['sinfo', '-h', '-N', '-o', '%T'])).trim() === 'idle';
    }, 'the Slurm node to be idle', 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dir, nodeName, cpus: nodeCpus, env, command, stop };
}
