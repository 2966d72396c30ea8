import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentLogger } from '../../../../src/agent/logger';
import { Spool } from '../../../../src/agent/spool/spool';
import { ProcessGroupRecords } from '../../../../src/agent/state/processGroups';
import { secureStateDir } from '../../../../src/agent/state/secureStateDir';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

function recordingLogger(): AgentLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, error: () => {}, warn: (message) => void warnings.push(message) };
}

describe('secureStateDir', () => {
  it('makes an existing 0755 state dir 0700 and its 0644 files 0600, and warns', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gantry-state-')), 'spool');
    mkdirSync(join(dir, 'groups'), { recursive: true });
    writeFileSync(join(dir, '000000000000-j1-a1-log.json'), '{}');
    writeFileSync(join(dir, 'groups', 'j1-a1.json'), '{}');
    for (const path of [dir, join(dir, 'groups')]) chmodSync(path, 0o755);
    for (const path of [join(dir, '000000000000-j1-a1-log.json'), join(dir, 'groups', 'j1-a1.json')]) chmodSync(path, 0o644);
    const logger = recordingLogger();
    secureStateDir(dir, logger);
    expect([modeOf(dir), modeOf(join(dir, 'groups'))]).toEqual([0o700, 0o700]);
    expect([modeOf(join(dir, '000000000000-j1-a1-log.json')), modeOf(join(dir, 'groups', 'j1-a1.json'))]).toEqual([0o600, 0o600]);
    expect(logger.warnings).toHaveLength(1);
  });

  it('creates a missing state dir 0700 without a warning', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'gantry-state-')), 'a', 'spool');
    const logger = recordingLogger();
    secureStateDir(dir, logger);
    expect(modeOf(dir)).toBe(0o700);
    expect(logger.warnings).toEqual([]);
  });

  it('leaves what jobs wrote in their scratch dirs alone but closes the scratch folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-state-'));
    mkdirSync(join(dir, 'scratch', 'j1-a1'), { recursive: true });
    writeFileSync(join(dir, 'scratch', 'j1-a1', 'result.txt'), 'x');
    chmodSync(join(dir, 'scratch'), 0o755);
    chmodSync(join(dir, 'scratch', 'j1-a1', 'result.txt'), 0o644);
    secureStateDir(dir, recordingLogger());
    expect(modeOf(join(dir, 'scratch'))).toBe(0o700);
    expect(modeOf(join(dir, 'scratch', 'j1-a1', 'result.txt'))).toBe(0o644);
  });

  it('spools new items and records process groups in 0600 files, whatever the umask', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-state-'));
    const previous = process.umask(0o022);
    try {
      const spool = Spool.open(dir);
      spool.write({ kind: 'finish', job_id: 1, attempt: 1, outcome: 'succeeded', exit_code: 0, error: null });
      spool.close();
      const groups = new ProcessGroupRecords(dir);
      groups.record(1, 1, 4242);
      groups.close();
      expect([modeOf(join(dir, 'spool.jsonl')), modeOf(join(dir, 'groups', 'running.jsonl'))]).toEqual([0o600, 0o600]);
    } finally {
      process.umask(previous);
    }
  });
});
