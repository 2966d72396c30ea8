import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(__dirname, '../../../..');

describe('createHttpFetch', () => {
  it('answers a request without loading undici (about 9 MB of the agent, copied by every fork)', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/agent/httpFetchModules.ts')], { cwd: ROOT, timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ body: { ok: true }, undici: false });
  });
});
