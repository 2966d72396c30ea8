import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopChild } from '../../support/stopChild';

export const REPO = resolve(import.meta.dirname, '../../..');
export const FIXTURES = join(REPO, 'test/fixtures/nvidia-smi');

export interface RunningGantry {
  /** The coordinator's origin, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The console address `gantry serve` printed, with the admin token as `?token=`. */
  consoleUrl: string;
  token: string;
  dataDir: string;
  /** Everything the process printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Seed the data dir before the server starts (the benchmark does). */
  dataDir?: string;
  /** nvidia-smi stand-in; the worker then reports the GPUs of `gpusFixture`. */
  nvidiaSmi?: string;
  gpusFixture?: string;
  appsFixture?: string;
  localWorker?: boolean;
  /** More `gantry serve` flags, e.g. `--metrics-open`. */
  extraArgs?: string[];
  /** How long to wait for the address line. */
  timeoutMs?: number;
  /** More environment for the server, e.g. GANTRY_LEASE_TTL_S. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts a real `gantry serve` (coordinator, server and a local worker) on a free port with a
 * temporary data dir, and resolves once it has printed its console address.
 */
export async function startGantryServe(options: ServeOptions = {}): Promise<RunningGantry> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'gantry-e2e-'));
  const ownsDataDir = options.dataDir === undefined;
  const args = [join(REPO, 'bin/gantry.js'), 'serve', '--data-dir', dataDir, '--port', '0', '--web-root', join(REPO, 'out/web')];
  if (options.localWorker === false) args.push('--no-local-worker');
  args.push(...(options.extraArgs ?? []));
  const env: NodeJS.ProcessEnv = { ...process.env, GANTRY_DATA_DIR: dataDir, ...options.env };
  if (options.nvidiaSmi) env.GANTRY_NVIDIA_SMI = options.nvidiaSmi;
  if (options.gpusFixture) env.GANTRY_FAKE_SMI_GPUS = join(FIXTURES, options.gpusFixture);
  if (options.appsFixture) env.GANTRY_FAKE_SMI_APPS = join(FIXTURES, options.appsFixture);
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test runner that dies mid-run must not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const consoleUrl = await new Promise<string>((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`gantry serve printed no console address in time:\n${output}`)), options.timeoutMs ?? 60_000);
    const check = () => {
      const match = /console:\s+(\S+\?token=\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gantry serve exited with ${code}:\n${output}`));
    });
  });
  const parsed = new URL(consoleUrl);
  return {
    url: parsed.origin,
    consoleUrl,
    token: parsed.searchParams.get('token') ?? '',
    dataDir,
    output: () => output,
    stop: async () => {
      await stopChild(child);
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
