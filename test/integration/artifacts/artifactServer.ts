import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ArtifactEndpoint } from '../../../src/agent/artifacts/artifactHttp';
import { createTestServer, type TestServer } from '../server/testServer';
import type { AppOptions } from '../../../src/server';

/** The test server listening on loopback, with a scratch folder for files to upload. */
export interface ArtifactServer extends TestServer {
  url: string;
  admin: ArtifactEndpoint;
  scratch: string;
  /** A file of random bytes in the scratch folder. */
  randomFile(name: string, size: number): { path: string; sha256: string; bytes: Buffer };
  /** A sparse file of `size` bytes with a few marks written in it, so it is not all zeros. */
  sparseFile(name: string, size: number): string;
}

export async function startArtifactServer(options: Partial<AppOptions> = {}): Promise<ArtifactServer> {
  const server = await createTestServer(options);
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const scratch = mkdtempSync(join(tmpdir(), 'gantry-artifacts-scratch-'));
  return {
    ...server,
    url,
    admin: { baseUrl: url, token: server.tokens.admin },
    scratch,
    randomFile(name, size) {
      const bytes = randomBytes(size);
      const path = join(scratch, name);
      writeFileSync(path, bytes);
      return { path, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
    },
    sparseFile(name, size) {
      const path = join(scratch, name);
      const fd = openSync(path, 'w');
      ftruncateSync(fd, size);
      for (const at of [0, Math.floor(size / 3), size - 16]) writeSync(fd, Buffer.from(`mark@${at}`.padEnd(16, '.')), 0, 16, at);
      closeSync(fd);
      return path;
    },
    async close() {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
