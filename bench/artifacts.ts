/**
 * `npm run bench -- artifacts`: a 1 GiB file through Gantry's artifact routes and through `curl` to
 * the same server's raw routes, in the same run. Gantry's upload hashes the file as it sends it and
 * names the sha256 with a last empty request, which the server checks; its download checks the
 * sha256 as it writes. curl only moves bytes. Figures: MB/s each way for both, and
 * Gantry ÷ curl (goal ≥ 0.8).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadArtifact, sha256OfFile, uploadArtifact } from '../src/agent';
import { UploadState } from '../src/shared';
import { startCoordinatorServer } from '../test/support/coordinatorServer';
import type { FigureLog } from './lib/figures';

const SIZE = 1024 ** 3;
const MB = 1e6;

/** 1 GiB of incompressible bytes, written as one random MiB repeated: quick to make, and no disk shortcut like a sparse file. */
function makeFile(path: string): void {
  const block = randomBytes(1024 * 1024);
  const fd = openSync(path, 'w');
  for (let written = 0; written < SIZE; written += block.length) writeSync(fd, block);
  closeSync(fd);
}

function curl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('curl', ['--silent', '--show-error', '--fail', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`curl exited with ${code}`))));
  });
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return (performance.now() - start) / 1000;
}

export async function runArtifactsBench(log: FigureLog): Promise<void> {
  const server = await startCoordinatorServer();
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-artifacts-'));
  const c = server.coordinator;
  try {
    const token = c.createToken({ name: 'bench', scope: 'admin' }).token;
    const endpoint = { baseUrl: server.url, token };
    const file = join(dir, 'data.bin');
    makeFile(file);
    const sha256 = await sha256OfFile(file);

    const gantryJob = c.submit({ command: ['true'] });
    const gantryUp = await timed(() => uploadArtifact(endpoint, { jobId: gantryJob.id, path: file, name: 'data.bin' }));
    log.record('artifacts.upload_gantry', SIZE / MB / gantryUp, 'MB/s');
    const gantryDown = await timed(() => downloadArtifact(endpoint, gantryJob.id, 'data.bin', join(dir, 'gantry-copy.bin')));
    log.record('artifacts.download_gantry', SIZE / MB / gantryDown, 'MB/s');
    rmSync(join(dir, 'gantry-copy.bin'));

    // The stored copy goes first, or the curl upload would complete at once as known content.
    c.artifacts.remove(gantryJob.id, 'data.bin');
    const curlJob = c.submit({ command: ['true'] });
    const auth = `authorization: Bearer ${token}`;
    const created = await fetch(`${server.url}/api/v1/jobs/${curlJob.id}/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'data.bin', size: SIZE, sha256 }),
    });
    const upload = UploadState.parse(await created.json());
    const curlUp = await timed(() =>
      curl(['-X', 'PATCH', '-H', auth, '-H', 'content-type: application/octet-stream', '-T', file, '-o', '/dev/null', `${server.url}/api/v1/jobs/${curlJob.id}/uploads/${upload.id}?offset=0`]),
    );
    log.record('artifacts.upload_curl', SIZE / MB / curlUp, 'MB/s');
    const curlDown = await timed(() => curl(['-H', auth, '-o', join(dir, 'curl-copy.bin'), `${server.url}/api/v1/jobs/${curlJob.id}/artifacts/data.bin`]));
    log.record('artifacts.download_curl', SIZE / MB / curlDown, 'MB/s');
    log.ratio('artifacts.upload_gantry_vs_curl', curlUp, gantryUp);
    log.ratio('artifacts.download_gantry_vs_curl', curlDown, gantryDown);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
