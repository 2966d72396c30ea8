import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../..');

/** Runs stderrLogger in a fresh process whose stderr is `stderr` (a file, or a pipe read back); returns what it wrote there. */
async function logFrom(dir: string, stderr: 'file' | 'pipe'): Promise<string> {
  const script = join(dir, 'log.ts');
  writeFileSync(script, `import { stderrLogger } from ${JSON.stringify(join(ROOT, 'src/agent/logger.ts'))};
const logger = stderrLogger();
logger.info('job started', { job_id: 1, attempt: 2 });
logger.warn('delivery failed; will retry', { delay_ms: 5 });
logger.error('last words');
`);
  const file = join(dir, 'agent.log');
  const fd = openSync(file, 'w');
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'ignore', stderr === 'file' ? fd : 'pipe'] });
    let piped = '';
    child.stderr?.on('data', (bytes: Buffer) => (piped += bytes.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(0);
    return stderr === 'file' ? readFileSync(file, 'utf8') : piped;
  } finally {
    closeSync(fd);
  }
}

describe('stderrLogger', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-logger-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['file', 'pipe'] as const)('writes one JSON line per entry, in order, to stderr as a %s', async (stderr) => {
    const lines = (await logFrom(dir, stderr)).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ level, msg }) => [level, msg])).toEqual([
      ['info', 'job started'],
      ['warn', 'delivery failed; will retry'],
      ['error', 'last words'],
    ]);
    expect(lines[0]).toMatchObject({ job_id: 1, attempt: 2 });
    expect(lines[1]).toMatchObject({ delay_ms: 5 });
    expect(Number.isNaN(Date.parse(lines[0].time as string))).toBe(false);
  }, 60_000);
});
