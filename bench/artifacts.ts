/**
 * `npm run bench -- artifacts [--reps N]`: a 1 GiB file up and down through Gantry's artifact
 * routes and through `curl` to the same server's raw routes, in the same run. Gantry's client runs
 * as a process of its own, as the CLI and the agent do and as curl does; the server is this
 * process. Gantry's upload hashes the file (on a worker thread) while it sends it and names the
 * sha256 in a last empty request, which the server checks; its download checks the sha256 of what
 * it wrote (a worker thread reads the file back behind the writes). curl only moves
 * bytes (its upload declares the sha256 first, so the server hashes and checks it all the same).
 * Both download to a file on the same disk. Figures: MB/s each way for both (median of --reps,
 * with min and max), and Gantry ÷ curl per rep (goal ≥ 0.8).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sha256OfFile } from '../src/agent';
import type { Coordinator } from '../src/core';
import { UploadState } from '../src/shared';
import { startCoordinatorServer } from '../test/support/coordinatorServer';
import { curlTransfer, flushDisk, gantryTransfer, type Transfer } from './artifacts/transfers';
import type { FigureLog } from './lib/figures';
import { recordSpread, spreadOf } from './lib/repeat';
import { makeTempDir } from './lib/tempDir';

const SIZE = 1024 ** 3;
const MB = 1e6;
const NAME = 'data.bin';

/** 1 GiB of incompressible bytes, written as one random MiB repeated: quick to make, and no disk shortcut like a sparse file. */
function makeFile(path: string): void {
  const block = randomBytes(1024 * 1024);
  const fd = openSync(path, 'w');
  for (let written = 0; written < SIZE; written += block.length) writeSync(fd, block);
  closeSync(fd);
}

interface Setup {
  coordinator: Coordinator;
  url: string;
  token: string;
  file: string;
  sha256: string;
  dir: string;
}

/** A transfer and the CPU this process (the server) used meanwhile. */
interface Measured extends Transfer {
  serverCpuSeconds: number;
}

/** Flushes the disk, then runs one transfer, counting the server's CPU during it. */
async function timed(transfer: () => Promise<Transfer>): Promise<Measured> {
  flushDisk();
  const before = process.cpuUsage();
  const result = await transfer();
  const server = process.cpuUsage(before);
  return { ...result, serverCpuSeconds: (server.user + server.system) / 1e6 };
}

/** One client's upload, then its download of what it uploaded. */
type Client = (setup: Setup, jobId: number) => Promise<{ up: Measured; down: Measured }>;

const gantry: Client = async ({ url, token, file, dir }, jobId) => {
  const up = await timed(() => gantryTransfer(['up', url, token, String(jobId), file, NAME]));
  const down = await timed(() => gantryTransfer(['down', url, token, String(jobId), NAME, join(dir, 'gantry-copy.bin')]));
  rmSync(join(dir, 'gantry-copy.bin'));
  return { up, down };
};

const curl: Client = async ({ url, token, file, sha256, dir }, jobId) => {
  const auth = `authorization: Bearer ${token}`;
  const created = await fetch(`${url}/api/v1/jobs/${jobId}/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: NAME, size: SIZE, sha256 }),
  });
  const upload = UploadState.parse(await created.json());
  const up = await timed(() => curlTransfer(['-X', 'PATCH', '-H', auth, '-H', 'content-type: application/octet-stream', '-T', file, '-o', '/dev/null', `${url}/api/v1/jobs/${jobId}/uploads/${upload.id}?offset=0`]));
  const copy = join(dir, 'curl-copy.bin');
  const down = await timed(() => curlTransfer(['-H', auth, '-o', copy, `${url}/api/v1/jobs/${jobId}/artifacts/${NAME}`]));
  if (statSync(copy).size !== SIZE) throw new Error(`curl downloaded ${statSync(copy).size} bytes, not ${SIZE}`);
  rmSync(copy);
  return { up, down };
};

/** The stored copy goes afterwards, or the next upload of the same bytes would complete at once as known content. */
async function measure(setup: Setup, client: Client): Promise<{ up: Measured; down: Measured }> {
  const jobId = setup.coordinator.submit({ command: ['true'] }).id;
  const seconds = await client(setup, jobId);
  if (setup.coordinator.artifacts.get(jobId, NAME).sha256 !== setup.sha256) throw new Error(`job ${jobId} stored other bytes than the file's`);
  setup.coordinator.artifacts.remove(jobId, NAME);
  return seconds;
}

function recordDirection(log: FigureLog, direction: 'upload' | 'download', gantry: Measured[], curl: Measured[]): void {
  for (const [who, runs] of [['gantry', gantry], ['curl', curl]] as const) {
    recordSpread(log, `artifacts.${direction}_${who}`, spreadOf(runs.map((r) => SIZE / MB / r.seconds)), 'MB/s');
    // CPU per GiB on each end: what the ratio comes to when the two ends share two cores.
    log.record(`artifacts.${direction}_${who}.client_cpu_s`, spreadOf(runs.map((r) => r.clientCpuSeconds)).median, 's');
    log.record(`artifacts.${direction}_${who}.server_cpu_s`, spreadOf(runs.map((r) => r.serverCpuSeconds)).median, 's');
  }
  // Paired per rep: the two ran back to back, so a load spike from elsewhere skews one pair, not the figure.
  recordSpread(log, `artifacts.${direction}_gantry_vs_curl`, spreadOf(gantry.map((r, rep) => curl[rep].seconds / r.seconds)), 'ratio');
}

export async function runArtifactsBench(log: FigureLog, reps: number): Promise<void> {
  const server = await startCoordinatorServer();
  const temp = makeTempDir('artifacts');
  try {
    const coordinator = server.coordinator;
    const file = join(temp.path, 'data.bin');
    makeFile(file);
    const setup: Setup = { coordinator, url: server.url, token: coordinator.createToken({ name: 'bench', scope: 'admin' }).token, file, sha256: await sha256OfFile(file), dir: temp.path };
    const results = { gantry: [] as Array<{ up: Measured; down: Measured }>, curl: [] as Array<{ up: Measured; down: Measured }> };
    for (let rep = 0; rep < reps; rep++) {
      // Who goes first alternates, so neither always meets the other's leftovers (writeback, a cold cache).
      const order = rep % 2 === 0 ? (['gantry', 'curl'] as const) : (['curl', 'gantry'] as const);
      for (const who of order) results[who].push(await measure(setup, who === 'gantry' ? gantry : curl));
    }
    recordDirection(log, 'upload', results.gantry.map((r) => r.up), results.curl.map((r) => r.up));
    recordDirection(log, 'download', results.gantry.map((r) => r.down), results.curl.map((r) => r.down));
  } finally {
    await server.close();
    temp.remove();
  }
}
